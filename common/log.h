/*
 * log: messages for people (stderr), for syslog and for a
 * log file; and the protocol trace shown by --debug.
 *
 * The trace is fed only by conn (server input) and by the command writers
 * (our output), which hand secrets separately so that they are shown as
 * "<hidden>" and never reach a log.  Nothing else writes to the trace.
 */
#ifndef FACTEUR_LOG_H
#define FACTEUR_LOG_H

#include <stddef.h>

#include "status.h"

enum log_level {
	LOG_LVL_ERROR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG
};

/* Set the program name used as prefix ("msend: ..."). */
void log_init(const char *progname);
const char *log_progname(void);
/* Messages at or below this level go to stderr (default LOG_LVL_WARN). */
void log_set_level(enum log_level lvl);
/*
 * Also append messages (at or below LOG_LVL_INFO) to a file; "-" is
 * standard output (as in msmtp).  Returns 0, or -1 (ST_CANTCREAT, the
 * file and the OS error named); the previous log file is then kept.
 */
int log_open_file(const char *path, struct errinfo *ei);

#define LOG_TIME_FORMAT_DEFAULT "%Y-%m-%dT%H:%M:%S%z"
#define LOG_TIME_FORMAT_MAX 128	/* bytes of a format, NUL included */

/*
 * The strftime(3) format of the time stamp that starts each line of the
 * log file (msmtp's logfile_time_format); NULL or "" is the default.
 * Returns -1 (format unchanged) when it is LOG_TIME_FORMAT_MAX or longer.
 */
int log_set_time_format(const char *fmt);
/* Also send messages (at or below LOG_LVL_INFO) to syslog. */
void log_open_syslog(int facility);
/* Parse a syslog facility name ("mail", "local0"...); -1 if unknown. */
int log_facility(const char *name);
void log_close(void);

void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * A notice that must not make cron mail on every run (a configuration
 * line ignored, the peer's file read): on standard error when it is a
 * terminal or loud is set (-P, -d), else to syslog (mail, LOG_NOTICE).
 */
void log_quiet_notice(int loud, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The protocol trace (--debug). */
void log_set_trace(int on);
int log_tracing(void);
/*
 * Show one line of the conversation.  dir is "<--" (from the server) or
 * "-->" (to it).  Control characters are shown escaped.  secret_len > 0
 * means the line was followed by that many secret bytes, shown as
 * "<hidden>".
 */
void log_trace(const char *dir, const char *line, size_t len,
    size_t secret_len);
/* A free-form trace note ("TLS handshake done"), prefixed with "---". */
void log_trace_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
