/* cmd: split a command line into words, as a shell would, minus the shell. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cmd.h"
#include "xalloc.h"

static int
shell_char(char c)
{
	return strchr("|&;<>()$`*?[]{}\n", c) != NULL;
}

void
cmd_free_argv(char **argv)
{
	size_t i;

	if (argv == NULL)
		return;
	for (i = 0; argv[i] != NULL; i++)
		free(argv[i]);
	free(argv);
}

static char *
finish_word(struct buf *w, int tilde)
{
	const char *home = getenv("HOME");
	char *s;

	if (tilde && home != NULL && w->len >= 1 && w->data[0] == '~' &&
	    (w->len == 1 || w->data[1] == '/'))
		s = xasprintf("%s%s", home, w->data + 1);
	else
		s = xstrdup(w->data);
	buf_reset(w);
	return s;
}

int
cmd_split(const char *cmd, const char *what, char ***argv_r,
    struct errinfo *ei)
{
	char **argv = xcalloc(CMD_ARGS_MAX + 1, sizeof(*argv));
	struct buf w;
	const char *p = cmd;
	int n = 0, inword = 0, tilde = 0;
	char q = 0;

	buf_init(&w, 4096);
	for (;; p++) {
		char c = *p;

		if (q != 0) {
			if (c == '\0')
				goto unterminated;
			if (c == q) {
				q = 0;
			} else if (q == '"' && c == '\\' && (p[1] == '"' ||
			    p[1] == '\\' || p[1] == '$' || p[1] == '`')) {
				buf_addch(&w, *++p);
			} else {
				buf_addch(&w, c);
			}
			continue;
		}
		if (c == '\0' || c == ' ' || c == '\t') {
			if (inword) {
				if (n == CMD_ARGS_MAX) {
					err_set(ei, ST_CONFIG, "%s has more than "
					    "%d words", what, CMD_ARGS_MAX);
					goto fail;
				}
				argv[n++] = finish_word(&w, tilde);
				inword = 0;
			}
			if (c == '\0')
				break;
			continue;
		}
		if (!inword)
			tilde = c == '~';
		inword = 1;
		if (c == '\'' || c == '"') {
			q = c;
			tilde = tilde && w.len > 0;
		} else if (c == '\\' && p[1] != '\0') {
			buf_addch(&w, *++p);
		} else if (shell_char(c)) {
			/* Shell syntax: let /bin/sh have it. */
			buf_free(&w);
			cmd_free_argv(argv);
			*argv_r = NULL;
			return 0;
		} else {
			buf_addch(&w, c);
		}
	}
	buf_free(&w);
	if (n == 0) {
		free(argv);
		return err_set(ei, ST_CONFIG, "the %s is empty", what);
	}
	*argv_r = argv;
	return n;
unterminated:
	err_set(ei, ST_CONFIG, "unterminated quote in the %s", what);
fail:
	buf_free(&w);
	cmd_free_argv(argv);
	return -1;
}
