/* UCI's words (uci(1)'s quoting), for the readers of /etc/config files. */
#ifndef CD_UCI_H
#define CD_UCI_H

/*
 * Split s into at most max words in place, undoing the quoting.  The count,
 * or -1 for an unterminated quote, -2 for too many words.
 */
int	cd_uci_split(char *s, char **w, int max);

#endif
