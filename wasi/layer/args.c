/* args_* and environ_*: the layer's own argv and environment are the
 * program's (Lamina starts the layer with the program's command line and
 * --env list). Both functions of a pair lay strings out the same way:
 * the pointer array, then the NUL-terminated strings back to back. */
#include <string.h>
#include <unistd.h>
#include "wasi_layer.h"

static uint32_t count_strings(char **strings)
{
	uint32_t n = 0;
	while (strings && strings[n])
		n++;
	return n;
}

static int sizes_get(char **strings, lp_addr count_out, lp_addr size_out)
{
	uint32_t n = count_strings(strings), size = 0;
	for (uint32_t i = 0; i < n; i++)
		size += (uint32_t)strlen(strings[i]) + 1;
	int err = put_u32(count_out, n);
	return err ? err : put_u32(size_out, size);
}

static int strings_get(char **strings, lp_addr pointers, lp_addr buf)
{
	uint32_t n = count_strings(strings);
	if ((uint64_t)pointers + 4 * (uint64_t)n > UINT32_MAX + 1ull)
		return WASI_EFAULT;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t len = (uint32_t)strlen(strings[i]) + 1;
		/* A range past 4 GiB would wrap to low addresses: refused. */
		if ((uint64_t)buf + len > UINT32_MAX + 1ull)
			return WASI_EFAULT;
		int err = put_u32(pointers + 4 * i, buf);
		if (!err)
			err = put(buf, strings[i], len);
		if (err)
			return err;
		buf += len;
	}
	return WASI_ESUCCESS;
}

WASI_EXPORT("args_sizes_get") int wasi_args_sizes_get(lp_addr argc_out, lp_addr size_out)
{
	return sizes_get(layer_argv, argc_out, size_out);
}

WASI_EXPORT("args_get") int wasi_args_get(lp_addr argv, lp_addr buf)
{
	return strings_get(layer_argv, argv, buf);
}

WASI_EXPORT("environ_sizes_get") int wasi_environ_sizes_get(lp_addr count_out, lp_addr size_out)
{
	return sizes_get(environ, count_out, size_out);
}

WASI_EXPORT("environ_get") int wasi_environ_get(lp_addr environ_out, lp_addr buf)
{
	return strings_get(environ, environ_out, buf);
}
