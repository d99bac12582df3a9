/*
 * libFuzzer target for request parsing: the input is split at NUL bytes
 * into FastCGI parameters ("NAME=VALUE") and parsed as one request.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "request.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARAMS 32

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct request_limits limits = { 512, 256 };
	struct request	 req;
	char		*copy, *envp[MAX_PARAMS + 1], *p, *end;
	int		 n = 0;

	log_set_level(LOG_LEVEL_NONE);
	copy = xmalloc(size + 1);
	memcpy(copy, data, size);
	copy[size] = '\0';

	end = copy + size;
	for (p = copy; p < end && n < MAX_PARAMS; p += strlen(p) + 1)
		envp[n++] = p;
	envp[n] = NULL;

	request_parse(&req, envp, &limits);
	request_param(&req, "q");
	request_free(&req);
	free(copy);
	return 0;
}
