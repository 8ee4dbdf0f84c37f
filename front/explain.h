/*
 * explain.h: `sandbox explain` output (explain.c). Printing code, called
 * by commands.c only; probes the machine read-only and creates nothing.
 */
#pragma once

#include <stdio.h>

#include "plan.h"

/* The plan in sections (identity and namespaces, filesystem, network,
 * limits, syscalls, process) and which layers this machine enforces. */
void explain_print(FILE *f, const struct sb_plan *p);
