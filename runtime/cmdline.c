/* SPDX-License-Identifier: ISC */
/*
 * cmdline.c: the boot command line, "KEY=VALUE ... -- arg ...", turned into
 * Go's argv and environment and the runtime's vmgo.* settings.
 *
 * Syntax (tools/vmgo writes lines in it; keep both in step):
 *   - Words are separated by blanks (space, tab, CR, LF).
 *   - A backslash takes the next character literally, inside or outside
 *     quotes: \" \\ and "\ " (an escaped blank).  A backslash at the very end
 *     of the line is an error.
 *   - A double quote starts or ends a quoted part of a word; blanks inside
 *     it belong to the word.  Quotes never split words: KEY="a b" and
 *     "KEY=a b" both give KEY=a b, and "" is an empty word.  A quote left
 *     open at the end of the line is an error.
 *   - Quotes and escapes are removed first; the decoded word is then
 *     classified.  Up to the first word "--": a word containing '=' is
 *     KEY=VALUE (the first '=' splits; the key must not be empty, the value
 *     may be); keys starting with "vmgo." configure the runtime and do not
 *     reach the environment; any other word is an argument.  After "--"
 *     every word, "--" and KEY=VALUE included, is an argument.
 *   - A key given twice keeps its last value (in place of the first).
 *   - argv[0] is the value of vmgo.argv0, or "app" when it is unset or empty.
 */
#include "kernel.h"

#define ARGV0_DEFAULT	"app"
#define VMGO_PREFIX	"vmgo."
#define VMGO_PREFIX_LEN	5
/* Linux's virtio-mmio device words (virtio_mmio.c reads them from the raw
 * line); before "--" they are neither environment nor arguments. */
#define DEVICE_KEY	"virtio_mmio.device="
#define DEVICE_KEY_LEN	19
#define HEAD_LEN	DEVICE_KEY_LEN

/* What next_word() learnt about one word. */
struct word {
	size_t	len;		/* decoded length */
	long	eq;		/* index of the first '=', or -1 */
	char	head[HEAD_LEN + 1];	/* first decoded bytes */
};

static bool
is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/*
 * Decode the word starting at or after *pp into dst (NULL: only measure)
 * without a terminating NUL.  Returns 1 and advances *pp past the word, 0
 * at the end of the line, or -EINVAL with *err set.
 */
static int
next_word(const char **pp, char *dst, struct word *w, const char **err)
{
	const char *p = *pp;
	bool quoted = false;
	char c;

	w->len = 0;
	w->eq = -1;
	memset(w->head, 0, sizeof(w->head));
	while (is_blank(*p))
		p++;
	if (*p == '\0') {
		*pp = p;
		return 0;
	}
	for (;;) {
		c = *p;
		if (c == '\0') {
			if (quoted) {
				*err = "unterminated \" quote";
				return -EINVAL;
			}
			break;
		}
		if (!quoted && is_blank(c))
			break;
		p++;
		if (c == '"') {
			quoted = !quoted;
			continue;
		}
		if (c == '\\') {
			if (*p == '\0') {
				*err = "backslash at the end of the line";
				return -EINVAL;
			}
			c = *p++;
		}
		if (c == '=' && w->eq < 0)
			w->eq = (long)w->len;
		if (w->len < HEAD_LEN)
			w->head[w->len] = c;
		if (dst != NULL)
			dst[w->len] = c;
		w->len++;
	}
	*pp = p;
	return 1;
}

static bool
is_separator(const struct word *w)
{
	return w->len == 2 && w->head[0] == '-' && w->head[1] == '-';
}

static bool
is_vmgo_key(const struct word *w)
{
	return w->eq > VMGO_PREFIX_LEN - 1 &&
	    memcmp(w->head, VMGO_PREFIX, VMGO_PREFIX_LEN) == 0;
}

static bool
is_device_key(const struct word *w)
{
	return w->eq == DEVICE_KEY_LEN - 1 &&
	    memcmp(w->head, DEVICE_KEY, DEVICE_KEY_LEN) == 0;
}

/* Add "KEY=VALUE" s to list[0..*n), replacing an entry with the same key. */
static void
add_setting(char **list, int *n, char *s)
{
	size_t klen = (size_t)(strchr(s, '=') - s) + 1;	/* with '=' */
	int i;

	for (i = 0; i < *n; i++) {
		if (strncmp(list[i], s, klen) == 0) {
			list[i] = s;
			return;
		}
	}
	list[(*n)++] = s;
}

/*
 * Parse line (syntax above) into *out.  All storage is one block from
 * alloc, which the caller owns (nothing is ever freed at boot).  Returns 0;
 * -EINVAL on a syntax error or an empty key, with *errmsg saying what was
 * wrong (a static string); -ENOMEM when alloc fails.  *out is zeroed on
 * failure.  Any context where alloc may be called.
 */
int
cmdline_parse(const char *line, struct cmdline *out,
    void *(*alloc)(size_t), const char **errmsg)
{
	const char *p;
	struct word w;
	size_t nptr, strbytes;
	char **ptrs, **argv, **envp, **vmgo, *s;
	int nargs = 0, nenv = 0, nvmgo = 0, envc = 0, vmgoc = 0, ai = 1;
	bool after = false;
	const char *argv0;
	int r;

	memset(out, 0, sizeof(*out));
	*errmsg = NULL;

	/* Pass 1: check the syntax and count, without storing anything. */
	p = line;
	while ((r = next_word(&p, NULL, &w, errmsg)) > 0) {
		if (after) {
			nargs++;
		} else if (is_separator(&w)) {
			after = true;
		} else if (is_device_key(&w)) {
			continue;
		} else if (w.eq == 0) {
			*errmsg = "empty variable name (a word starts with '=')";
			return -EINVAL;
		} else if (is_vmgo_key(&w)) {
			if (w.eq == VMGO_PREFIX_LEN) {
				*errmsg = "empty vmgo. setting name (\"vmgo.=\")";
				return -EINVAL;
			}
			nvmgo++;
		} else if (w.eq > 0) {
			nenv++;
		} else {
			nargs++;
		}
	}
	if (r < 0)
		return r;

	/*
	 * One block: argv[0..nargs] NULL envp[...] NULL vmgo[...] NULL, then
	 * the decoded words.  Decoding never lengthens a word and every word
	 * is followed by a blank or the end, so strlen(line) + 1 bytes hold
	 * all words with their NULs; ARGV0_DEFAULT comes on top.
	 */
	nptr = (size_t)(1 + nargs + 1) + (size_t)(nenv + 1) + (size_t)(nvmgo + 1);
	strbytes = strlen(line) + 1 + sizeof(ARGV0_DEFAULT);
	ptrs = alloc(nptr * sizeof(char *) + strbytes);
	if (ptrs == NULL) {
		*errmsg = "out of memory";
		return -ENOMEM;
	}
	argv = ptrs;
	envp = argv + 1 + nargs + 1;
	vmgo = envp + nenv + 1;
	s = (char *)(vmgo + nvmgo + 1);

	/* Pass 2: decode and place; the syntax is known to be good. */
	after = false;
	p = line;
	while (next_word(&p, s, &w, errmsg) > 0) {
		s[w.len] = '\0';
		if (after) {
			argv[ai++] = s;
		} else if (is_separator(&w)) {
			after = true;
		} else if (is_device_key(&w)) {
			continue;	/* s is reused for the next word */
		} else if (is_vmgo_key(&w)) {
			add_setting(vmgo, &vmgoc, s);
		} else if (w.eq > 0) {
			add_setting(envp, &envc, s);
		} else {
			argv[ai++] = s;
		}
		s += w.len + 1;
	}
	/* envp starts right after argv's NULL, as Go requires; slots that
	 * duplicate keys left unused sit after envp's NULL. */
	argv[ai] = NULL;
	envp[envc] = NULL;
	vmgo[vmgoc] = NULL;

	out->argc = ai;
	out->argv = argv;
	out->envc = envc;
	out->envp = envp;
	out->vmgo = vmgo;
	out->block = ptrs;

	argv0 = cmdline_vmgo(out, "argv0");
	if (argv0 == NULL || *argv0 == '\0') {
		memcpy(s, ARGV0_DEFAULT, sizeof(ARGV0_DEFAULT));
		argv0 = s;
	}
	argv[0] = (char *)(uintptr_t)argv0;
	return 0;
}

/*
 * The value of setting vmgo.KEY (key given without "vmgo."), or NULL if it
 * is not set.  Any context.
 */
const char *
cmdline_vmgo(const struct cmdline *c, const char *key)
{
	size_t klen = strlen(key);
	char **v;

	if (c == NULL || c->vmgo == NULL)
		return NULL;
	for (v = c->vmgo; *v != NULL; v++) {
		const char *k = *v + VMGO_PREFIX_LEN;

		if (strncmp(k, key, klen) == 0 && k[klen] == '=')
			return k + klen + 1;
	}
	return NULL;
}

static struct spinlock boot_lock;
static int boot_state;			/* 0 not parsed, 1 ok, -1 bad line */
static struct cmdline boot_cmdline;

/*
 * boot_info->cmdline parsed on first use with kmalloc; every call returns
 * the same object.  NULL if the line does not parse (kmain reports why).
 * Thread context (the first call allocates).
 */
const struct cmdline *
cmdline_boot(void)
{
	const struct cmdline *c;
	const char *err;

	spin_lock(&boot_lock);
	if (boot_state == 0) {
		const char *line = boot_info != NULL ? boot_info->cmdline : "";

		if (cmdline_parse(line, &boot_cmdline, kmalloc, &err) == 0)
			boot_state = 1;
		else
			boot_state = -1;
	}
	c = boot_state > 0 ? &boot_cmdline : NULL;
	spin_unlock(&boot_lock);
	return c;
}
