/*
 * oci_impl.h: helpers shared by the sandbox-oci front end's files.
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>

#include "plan.h"

/* A JSON array of strings appended to v (NULL-terminated, *n entries);
 * need: missing or empty is an error. */
int oci_strv(json_t *a, const char *what, char ***v, size_t *n, bool need, struct sb_err *err);

/* oci_mounts.c: lx.namespaces (with uid/gid mappings and time). */
int oci_namespaces(json_t *lx, struct sb_plan *p, struct sb_err *err);
/* oci_mounts.c: mounts, then lx.devices and the /dev runc always makes. */
int oci_mounts(json_t *config, const char *bundle, struct sb_plan *p, struct sb_err *err);
/* oci_mounts.c: cgroupsPath in cgroupfs form ("slice:prefix:name" becomes
 * "/slice/prefix-name.scope"); NULL when malformed. malloc'd. */
char *oci_cgroup_path(const char *path);
