/*
 * commands.h: the sub-commands besides run (check, explain, seccomp-export,
 * policies),
 * implemented in commands.c. Each returns the process exit status.
 */
#pragma once

int cmd_check(int argc, char **argv);
int cmd_explain(int argc, char **argv);
int cmd_seccomp_export(int argc, char **argv);
int cmd_policies(int argc, char **argv);
