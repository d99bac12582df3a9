/*
 * The template set: named compiled templates, loaded from strings, files
 * or a directory, with partial references checked and bound by
 * template_set_link.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "template.h"
#include "template_internal.h"
#include "xalloc.h"

/* Bytes read per read(2) call while loading a file. */
#define READ_CHUNK	65536

struct template_set *
template_set_new(void)
{
	return xcalloc(1, sizeof(struct template_set));
}

void
template_set_free(struct template_set *set)
{
	size_t	 i;

	if (set == NULL)
		return;
	for (i = 0; i < set->count; i++)
		template_free(set->templates[i]);
	free(set->templates);
	free(set);
}

/*
 * A linear search, because a set contains a few dozen templates and
 * rendering skips it for partials bound by template_set_link.
 */
ptrdiff_t
template_set_find(const struct template_set *set, const char *name)
{
	size_t	 i;

	for (i = 0; i < set->count; i++)
		if (strcmp(set->templates[i]->name, name) == 0)
			return (ptrdiff_t)i;
	return -1;
}

int
template_set_has(const struct template_set *set, const char *name)
{
	return template_set_find(set, name) >= 0;
}

int
template_set_add_string(struct template_set *set, const char *name,
    const char *filename, const char *text, size_t len,
    struct diag_list *diags)
{
	struct template	*t;
	ptrdiff_t	 existing;
	int		 rc = 0;

	/* Compile even a duplicate, so that all its problems show at once. */
	if ((existing = template_set_find(set, name)) >= 0) {
		diag_add(diags, filename, 0, 0, "template \"%s\" is already "
		    "defined by %s", name, set->templates[existing]->filename);
		rc = -1;
	}
	if ((t = template_compile(name, filename, text, len, diags)) == NULL)
		rc = -1;
	if (rc == -1) {
		template_free(t);
		return -1;
	}

	if (set->count == set->cap) {
		set->cap = set->cap ? set->cap * 2 : 16;
		set->templates = xrealloc(set->templates,
		    set->cap * sizeof(set->templates[0]));
	}
	set->templates[set->count++] = t;
	return 0;
}

/*
 * Read the whole file into text, reading in chunks rather than trusting
 * the size from fstat, so a file that grows meanwhile still hits the limit.
 */
static int
read_template_file(int fd, const char *path, struct buf *text,
    struct diag_list *diags)
{
	ssize_t	 n;

	for (;;) {
		buf_reserve(text, READ_CHUNK);
		n = read(fd, text->data + text->len, READ_CHUNK);
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			diag_add(diags, path, 0, 0, "failed to read template: "
			    "%s", strerror(errno));
			return -1;
		}
		if (n == 0)
			return 0;
		text->len += (size_t)n;
		if (text->len > TEMPLATE_FILE_SIZE_MAX) {
			diag_add(diags, path, 0, 0, "template is larger than "
			    "the limit of %d bytes (1 MiB)",
			    TEMPLATE_FILE_SIZE_MAX);
			return -1;
		}
	}
}

int
template_set_add_file(struct template_set *set, const char *name,
    const char *path, struct diag_list *diags)
{
	struct buf	 text = BUF_INIT;
	struct stat	 st;
	int		 fd, rc = -1;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		diag_add(diags, path, 0, 0, "failed to open template: %s",
		    strerror(errno));
		return -1;
	}
	if (fstat(fd, &st) == -1) {
		diag_add(diags, path, 0, 0, "failed to read template: %s",
		    strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		diag_add(diags, path, 0, 0, "template is not a regular file");
		goto out;
	}
	if (st.st_size > TEMPLATE_FILE_SIZE_MAX) {
		diag_add(diags, path, 0, 0, "template is %jd bytes, larger "
		    "than the limit of %d bytes (1 MiB)", (intmax_t)st.st_size,
		    TEMPLATE_FILE_SIZE_MAX);
		goto out;
	}

	if (read_template_file(fd, path, &text, diags) == -1)
		goto out;
	rc = template_set_add_string(set, name, path, text.data, text.len,
	    diags);

out:
	buf_free(&text);
	close(fd);
	return rc;
}

/* Return the length of NAME when file is "NAME.mustache", or 0. */
static size_t
template_name_len(const char *file)
{
	size_t	 len = strlen(file), suffix = strlen(TEMPLATE_FILE_SUFFIX);

	if (file[0] == '.' || len <= suffix ||
	    strcmp(file + len - suffix, TEMPLATE_FILE_SUFFIX) != 0)
		return 0;
	return len - suffix;
}

static int
compare_strings(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
template_set_load_dir(struct template_set *set, const char *dir,
    struct diag_list *diags)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	struct buf	 path = BUF_INIT;
	char		**files = NULL, *name;
	size_t		 count = 0, cap = 0, i;
	int		 rc = 0;

	if ((d = opendir(dir)) == NULL) {
		diag_add(diags, dir, 0, 0, "failed to open template "
		    "directory: %s", strerror(errno));
		return -1;
	}

	/* Collect the names first: readdir returns them in no useful order. */
	for (;;) {
		errno = 0;
		if ((de = readdir(d)) == NULL)
			break;
		if (template_name_len(de->d_name) == 0)
			continue;
		if (count == cap) {
			cap = cap ? cap * 2 : 16;
			files = xrealloc(files, cap * sizeof(files[0]));
		}
		files[count++] = xstrdup(de->d_name);
	}
	if (errno != 0) {
		diag_add(diags, dir, 0, 0, "failed to read template "
		    "directory: %s", strerror(errno));
		rc = -1;
		goto out;
	}
	qsort(files, count, sizeof(files[0]), compare_strings);

	/* Load every file, even after a failure, to report all problems. */
	for (i = 0; i < count; i++) {
		buf_reset(&path);
		buf_printf(&path, "%s/%s", dir, files[i]);
		if (stat(path.data, &st) == 0 && !S_ISREG(st.st_mode))
			continue;
		name = xstrndup(files[i], template_name_len(files[i]));
		if (template_set_add_file(set, name, path.data, diags) == -1)
			rc = -1;
		free(name);
	}

out:
	for (i = 0; i < count; i++)
		free(files[i]);
	free(files);
	buf_free(&path);
	closedir(d);
	return rc;
}

int
template_set_link(struct template_set *set, struct diag_list *diags)
{
	struct template	*t;
	struct tnode	*n;
	const char	*name;
	ptrdiff_t	 index;
	size_t		 i, k;
	int		 rc = 0;

	for (i = 0; i < set->count; i++) {
		t = set->templates[i];
		for (k = 0; k < t->node_count; k++) {
			n = &t->nodes[k];
			if (n->kind != TNODE_PARTIAL)
				continue;

			name = t->names.data + n->name;
			if ((index = template_set_find(set, name)) < 0) {
				diag_add(diags, t->filename, n->line,
				    n->column, "unknown partial \"%s\"", name);
				n->target = TNODE_UNBOUND;
				rc = -1;
			} else
				n->target = (size_t)index;
		}
	}
	return rc;
}
