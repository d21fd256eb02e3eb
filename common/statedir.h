/*
 * statedir: where mfetch keeps what it knows between runs and what it is
 * in the middle of: $XDG_STATE_HOME/facteur, else ~/.local/state/facteur
 * (UID state files, mbox journals, messages being received); msend's
 * bounces use the same mbox journals, and its queue lives beneath.
 */
#ifndef FACTEUR_STATEDIR_H
#define FACTEUR_STATEDIR_H

/* The home directory: $HOME, else the password database's, else "/". */
const char *statedir_home(void);

/* The directory (not created here).  Allocated. */
char *statedir(void);

/* statedir()/name.  Allocated. */
char *statedir_file(const char *name);

#endif
