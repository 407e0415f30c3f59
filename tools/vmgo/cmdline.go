// SPDX-License-Identifier: ISC

// cmdline.go: the kernel command line vmgo run passes with -append.

package main

import (
	"fmt"
	"path/filepath"
	"strings"
)

// cmdlineMax is BOOTINFO_CMDLINE_MAX - 1 (include/vmgo/bootinfo.h): the
// longest line the image keeps whole.
const cmdlineMax = 4095

// quoteWord writes w in the syntax runtime/cmdline.c parses: words are
// separated by blanks (space, tab, CR, LF), "..." groups, and a backslash
// takes the next character literally.  Words that need it are wrapped in
// double quotes with " and \ escaped; an empty word becomes "".
func quoteWord(w string) string {
	if w != "" && !strings.ContainsAny(w, " \t\r\n\"\\") {
		return w
	}
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(w); i++ {
		if w[i] == '"' || w[i] == '\\' {
			b.WriteByte('\\')
		}
		b.WriteByte(w[i])
	}
	b.WriteByte('"')
	return b.String()
}

// imageName is the program name the guest sees as os.Args[0]: the image's
// base name without a trailing ".img".
func imageName(image string) string {
	return strings.TrimSuffix(filepath.Base(image), ".img")
}

// buildCmdline returns "vmgo.argv0=NAME WORD... -- ARG..." for the kernel
// command line.  words come before "--" (KEY=VALUE settings; vmgo.* keys
// configure the runtime), args after it (os.Args[1:]).  A later
// vmgo.argv0=... among words wins over ours (the runtime keeps the last).
func buildCmdline(argv0 string, words, args []string) (string, error) {
	parts := []string{quoteWord("vmgo.argv0=" + argv0)}
	for _, w := range words {
		parts = append(parts, quoteWord(w))
	}
	if len(args) > 0 {
		parts = append(parts, "--")
		for _, a := range args {
			parts = append(parts, quoteWord(a))
		}
	}
	line := strings.Join(parts, " ")
	if len(line) > cmdlineMax {
		return "", fmt.Errorf("the kernel command line is %d bytes; the image keeps at most %d", len(line), cmdlineMax)
	}
	return line, nil
}

// splitWords splits what follows IMAGE on vmgo run's command line into
// the words before "--" and the program arguments after it.  Before "--"
// only KEY=VALUE is accepted: a word starting with '-' is an option put
// after IMAGE by mistake, and a plain word would silently become an
// argument, which "--" says more clearly.
func splitWords(rest []string) (words, args []string, err error) {
	for i, w := range rest {
		if w == "--" {
			return words, rest[i+1:], nil
		}
		switch {
		case strings.HasPrefix(w, "-"):
			return nil, nil, fmt.Errorf("%s after the image: options go before IMAGE, program arguments after --", w)
		case strings.IndexByte(w, '=') <= 0:
			return nil, nil, fmt.Errorf("%q is not KEY=VALUE: program arguments go after --", w)
		}
		words = append(words, w)
	}
	return words, nil, nil
}
