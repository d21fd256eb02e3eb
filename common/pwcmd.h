/*
 * pwcmd: run a password command ("passwordeval") and take the first line
 * of its output: `pass show mail/work`, `secret-tool lookup ...`, an
 * OAuth2 token helper.
 *
 * The command runs without a shell: it is split into words (single and
 * double quotes, backslash escapes; a leading "~/" is the home
 * directory).  A command that needs a shell, one with shell syntax
 * outside quotes (| & ; < > ( ) $ ` * ? [ ] { } or a newline), is run by
 * /bin/sh -c, as msmtp does.  Its standard input is /dev/null (msend
 * reads the message from its own); its error output is ours, so that a
 * failing gpg or pass explains itself.
 */
#ifndef FACTEUR_PWCMD_H
#define FACTEUR_PWCMD_H

#include "cmd.h"
#include "status.h"

#define PWCMD_OUT_MAX	(64 * 1024)	/* bytes of output read */
#define PWCMD_ARGS_MAX	CMD_ARGS_MAX	/* words in a command (cmd.h) */

/*
 * Run cmd; on success *out_r is the first line of its output (without
 * the line end), to be freed with xfree_secret().  Errors: ST_CONFIG when
 * the command cannot be run (not found, bad quoting) or prints nothing;
 * ST_TEMPFAIL when it exits non-zero or is killed (it may work next time:
 * a locked gpg agent, an unreachable OAuth2 server).
 */
int pwcmd_run(const char *cmd, char **out_r, struct errinfo *ei);

/*
 * Split cmd into words as described above.  Returns the number of words
 * (argv_r NULL-terminated, free with pwcmd_free_argv()), 0 when cmd needs
 * a shell, or -1 for bad quoting (ST_CONFIG).  Pure; for tests.
 */
int pwcmd_split(const char *cmd, char ***argv_r, struct errinfo *ei);
void pwcmd_free_argv(char **argv);

#endif
