/*
 * durable: files that must be what they seem and stay written: opening a
 * regular file without ever blocking (a FIFO or a device in its place is
 * refused at once, before any read or write could hang), directories
 * created on the way, fsync of a file's directory after a rename, and
 * anonymous temporary files (unlinked at once: a crash leaves nothing).
 * mfetch's state file, mbox and Maildir, msend's spool and both programs'
 * log files go through here.  Errors come back as errno values or in an
 * errinfo; nothing is printed.
 */
#ifndef FACTEUR_DURABLE_H
#define FACTEUR_DURABLE_H

#include <stddef.h>
#include <sys/types.h>

#include "status.h"

/*
 * Open path with flags (O_RDONLY, O_WRONLY or O_RDWR, with O_CREAT,
 * O_APPEND, O_TRUNC, O_EXCL as wanted; O_NOFOLLOW, O_NOCTTY, O_CLOEXEC are
 * always added) and mode, refusing anything but a regular file without
 * blocking: the file is opened O_NONBLOCK, checked with fstat, then set
 * back to blocking.  Returns the descriptor, or -1 with errno set (ELOOP:
 * a symbolic link; EINVAL or ENXIO: not a regular file, see
 * durable_strerror()).
 */
int durable_open(const char *path, int flags, mode_t mode);

/*
 * Open a file the user named (the accounts file, ~/.netrc, an aliases
 * file) for reading: symbolic links are followed, but anything other
 * than a regular file is refused without blocking, as above.
 */
int durable_open_read(const char *path);

/* The words for durable_open()'s errno ("not a regular file" for EINVAL). */
const char *durable_strerror(int err);

/*
 * Create dir and its missing parents (mode 0700).  Returns 0, or -1 with
 * ST_CANTCREAT naming the directory that could not be made.
 */
int durable_mkdirs(const char *dir, struct errinfo *ei);
/* The same for the directory that will hold the file path. */
int durable_mkdirs_for(const char *path, struct errinfo *ei);

/* fsync a directory, or the one holding path: 0, or -1 with errno. */
int durable_fsync_dir(const char *dir);
int durable_fsync_parent(const char *path);

/*
 * An anonymous temporary file for reading and writing in dir (O_TMPFILE,
 * else mkstemp and unlink): it disappears with the last descriptor, even
 * after a crash.  Returns the descriptor, or -1 with ST_CANTCREAT.
 */
int durable_tmpfile(const char *dir, struct errinfo *ei);

/*
 * Read the open file fd to its end into b (buf_read_fd(): at most b's
 * max bytes in all).  Returns 0, or -1 with ST_IOERR: "cannot read PATH:
 * REASON", "file too large" past the maximum.  fd stays open.
 */
struct buf;
int durable_read_fd(int fd, const char *path, struct buf *b,
    struct errinfo *ei);

/* Write all n bytes (restarting after EINTR): 0, or an errno value. */
int durable_write_all(int fd, const void *p, size_t n);

/*
 * Copy n bytes from in at in_off to out at out_off (explicit offsets:
 * neither descriptor's position moves; in and out must be different
 * files).  0, or an errno value (EIO when in ends early).
 */
int durable_copy(int in, off_t in_off, int out, off_t out_off,
    unsigned long long n);

#endif
