/* log: stderr, syslog, a log file, and the protocol trace. */
#include "autoconf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "durable.h"
#include "esc.h"
#include "log.h"

#define LOG_LINE_MAX 2048

static const char *progname = "facteur";
static enum log_level stderr_level = LOG_LVL_WARN;
static FILE *logfile;
static int logfile_is_stdout;	/* "logfile -": never closed by us */
static char time_format[LOG_TIME_FORMAT_MAX] = LOG_TIME_FORMAT_DEFAULT;
static int use_syslog;
static int tracing;

void
log_init(const char *name)
{
	const char *slash = strrchr(name, '/');

	progname = slash != NULL ? slash + 1 : name;
}

const char *
log_progname(void)
{
	return progname;
}

void
log_set_level(enum log_level lvl)
{
	stderr_level = lvl;
}

static void
close_logfile(void)
{
	if (logfile != NULL && !logfile_is_stdout)
		fclose(logfile);
	logfile = NULL;
	logfile_is_stdout = 0;
}

int
log_open_file(const char *path, struct errinfo *ei)
{
	int fd;
	FILE *f;

	if (strcmp(path, "-") == 0) {	/* msmtp: standard output */
		close_logfile();
		logfile = stdout;
		logfile_is_stdout = 1;
		return 0;
	}
	/* Never blocks: a FIFO or a device there is refused. */
	fd = durable_open(path, O_WRONLY | O_APPEND | O_CREAT, 0600);
	f = fd >= 0 ? fdopen(fd, "a") : NULL;
	if (f == NULL) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		return err_set(ei, ST_CANTCREAT, "cannot open log file '%s': %s",
		    path, durable_strerror(err));
	}
	close_logfile();
	logfile = f;
	return 0;
}

int
log_set_time_format(const char *fmt)
{
	if (fmt == NULL || *fmt == '\0')
		fmt = LOG_TIME_FORMAT_DEFAULT;
	if (strlen(fmt) >= sizeof(time_format))
		return -1;
	memcpy(time_format, fmt, strlen(fmt) + 1);
	return 0;
}

void
log_open_syslog(int facility)
{
	openlog(progname, LOG_PID, facility);
	use_syslog = 1;
}

int
log_facility(const char *name)
{
	static const struct {
		const char *name;
		int fac;
	} tab[] = {
		{ "mail", LOG_MAIL }, { "user", LOG_USER },
		{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },
		{ "local2", LOG_LOCAL2 }, { "local3", LOG_LOCAL3 },
		{ "local4", LOG_LOCAL4 }, { "local5", LOG_LOCAL5 },
		{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
	};
	size_t i;

	for (i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
		if (strcmp(name, tab[i].name) == 0)
			return tab[i].fac;
	return -1;
}

void
log_close(void)
{
	close_logfile();
	if (use_syslog)
		closelog();
	use_syslog = 0;
}

static void log_emit(enum log_level lvl, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));

static void
log_emit(enum log_level lvl, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *const tag[] = { "", "warning: ", "", "" };
	char raw[LOG_LINE_MAX], msg[LOG_LINE_MAX];

	/*
	 * Whatever a message quotes, no byte that a terminal or a log
	 * reader would act on gets through: messages go out escaped.
	 */
	vsnprintf(raw, sizeof(raw), fmt, ap);
	esc_text(msg, sizeof(msg), raw, strlen(raw));
	if (lvl <= stderr_level) {
		fflush(stdout);
		fprintf(stderr, "%s: %s%s\n", progname, tag[lvl], msg);
	}
	if (lvl <= LOG_LVL_INFO && use_syslog)
		syslog(prio[lvl], "%s%s", tag[lvl], msg);
	if (lvl <= LOG_LVL_INFO && logfile != NULL) {
		char ts[256], tsq[256];
		time_t now = time(NULL);
		struct tm tm;

		localtime_r(&now, &tm);
		/* strftime() gives 0 both for "" and for too long: no stamp. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
		if (strftime(ts, sizeof(ts), time_format, &tm) == 0)
			ts[0] = '\0';
#pragma GCC diagnostic pop
		/* The format is the user's, but its output is text all the same. */
		esc_text(tsq, sizeof(tsq), ts, strlen(ts));
		memcpy(ts, tsq, sizeof(ts));
		fprintf(logfile, "%s%s%s[%ld]: %s%s\n", ts, *ts ? " " : "",
		    progname, (long)getpid(), tag[lvl], msg);
		fflush(logfile);
	}
}

#define LOG_FN(name, lvl)				\
void							\
name(const char *fmt, ...)				\
{							\
	va_list ap;					\
							\
	va_start(ap, fmt);				\
	log_emit(lvl, fmt, ap);				\
	va_end(ap);					\
}

LOG_FN(log_error, LOG_LVL_ERROR)
LOG_FN(log_warn, LOG_LVL_WARN)
LOG_FN(log_info, LOG_LVL_INFO)
LOG_FN(log_debug, LOG_LVL_DEBUG)

void
log_quiet_notice(int loud, const char *fmt, ...)
{
	char raw[LOG_LINE_MAX], msg[LOG_LINE_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	esc_text(msg, sizeof(msg), raw, strlen(raw));
	if (loud || isatty(2)) {
		fflush(stdout);
		fprintf(stderr, "%s: %s\n", progname, msg);
	} else {
		syslog(LOG_MAIL | LOG_NOTICE, "%s", msg);
	}
}

void
log_set_trace(int on)
{
	tracing = on;
}

int
log_tracing(void)
{
	return tracing;
}

void
log_trace(const char *dir, const char *line, size_t len, size_t secret_len)
{
	if (!tracing)
		return;
	fflush(stdout);
	fprintf(stderr, "%s ", dir);
	esc_fwrite(stderr, line, len);
	if (secret_len > 0)
		fputs("<hidden>", stderr);
	putc('\n', stderr);
}

void
log_trace_note(const char *fmt, ...)
{
	char raw[LOG_LINE_MAX];
	va_list ap;

	if (!tracing)
		return;
	fflush(stdout);
	fputs("--- ", stderr);
	va_start(ap, fmt);
	vsnprintf(raw, sizeof(raw), fmt, ap);
	va_end(ap);
	esc_fwrite(stderr, raw, strlen(raw));
	putc('\n', stderr);
}
