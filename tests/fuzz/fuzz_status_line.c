/* libFuzzer target: what a status client writes, as the socket reads it. */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

int	LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 buf[CD_STATUS_MAX_LINE + 1];
	char		*cmd = NULL, *arg = NULL;
	const char	*why;

	/* The socket reads at most the buffer's size. */
	if (size > sizeof(buf))
		size = sizeof(buf);
	memcpy(buf, data, size);
	why = cd_status_parse_line(buf, size, &cmd, &arg);
	if (why == NULL) {
		if (memchr(data, '\n', size) != NULL || size > CD_STATUS_MAX_LINE)
			abort();
		return 0;
	}
	if (why[0] != '\0')
		return 0;
	/* Both inside buf, terminated there, with no blank at the ends. */
	if (cmd < buf || cmd >= buf + size || arg < buf || arg >= buf + size ||
	    memchr(cmd, '\0', (size_t)(buf + size - cmd)) == NULL ||
	    strchr(cmd, ' ') != NULL || strchr(cmd, '\t') != NULL ||
	    strchr(cmd, '\n') != NULL ||
	    (arg[0] == ' ' || arg[0] == '\t') ||
	    (arg[0] != '\0' && (arg[strlen(arg) - 1] == ' ' ||
	    arg[strlen(arg) - 1] == '\r')))
		abort();
	return 0;
}
