/*
 * cmd: splitting a configured command (a password command, an MDA) into
 * words without a shell: white space separates words; single quotes,
 * double quotes (with backslash escapes of " \ $ `) and backslashes
 * outside quotes work as in sh; a leading "~/" is the home directory.
 * A command with shell syntax outside quotes (| & ; < > ( ) $ ` * ? [ ]
 * { } or a newline) needs /bin/sh -c instead.  Pure but for $HOME.
 */
#ifndef FACTEUR_CMD_H
#define FACTEUR_CMD_H

#include "status.h"

#define CMD_ARGS_MAX	64	/* words in a command */

/*
 * Split cmd into words.  Returns the number of words (*argv_r
 * NULL-terminated, free with cmd_free_argv()), 0 when the command needs
 * a shell (*argv_r NULL), or -1 for bad quoting or too many words
 * (ST_CONFIG; what names the command in the message: "password
 * command", "delivery command").
 */
int cmd_split(const char *cmd, const char *what, char ***argv_r,
    struct errinfo *ei);
void cmd_free_argv(char **argv);

#endif
