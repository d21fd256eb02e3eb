/* sink: choosing the delivery target from its spec. */
#include "autoconf.h"

#include <stdlib.h>
#include <string.h>

#include "sink.h"
#include "xalloc.h"

int
sink_new(const char *spec, const struct sink_opts *o, struct sink **s_r,
    struct errinfo *ei)
{
	const char *comma = strchr(spec, ',');
	size_t kl = comma != NULL ? (size_t)(comma - spec) : strlen(spec);
	const char *arg = comma != NULL ? comma + 1 : "";

	*s_r = NULL;
	if (*arg == '\0')
		return err_set(ei, ST_CONFIG, "delivery '%s': expected mbox,FILE, "
		    "maildir,DIR or mda,COMMAND", spec);
	if (kl == 3 && strncmp(spec, "mda", 3) == 0) {
		*s_r = sink_mda_new(arg, o);
		return 0;
	}
	/* "~/" was expanded when the setting was read (settings.c). */
	if (kl == 4 && strncmp(spec, "mbox", 4) == 0)
		*s_r = sink_mbox_new(arg, o);
	else if (kl == 7 && strncmp(spec, "maildir", 7) == 0)
		*s_r = sink_maildir_new(arg, o);
	if (*s_r == NULL)
		return err_set(ei, ST_CONFIG, "delivery '%s': expected mbox,FILE, "
		    "maildir,DIR or mda,COMMAND", spec);
	return 0;
}

void
sink_abort(struct sink *s)
{
	if (s->ops->abort != NULL)
		s->ops->abort(s);
}

int
sink_sync(struct sink *s, struct errinfo *ei)
{
	return s->ops->sync != NULL ? s->ops->sync(s, ei) : 0;
}

int
sink_defers(const struct sink *s)
{
	return s->ops->sync != NULL;
}

int
sink_commit(struct sink *s, struct errinfo *ei)
{
	return s->ops->stage(s, ei) < 0 ? -1 : sink_sync(s, ei);
}

void
sink_free(struct sink *s)
{
	if (s != NULL)
		s->ops->free(s);
}
