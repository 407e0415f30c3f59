// SPDX-License-Identifier: ISC

package main

import (
	"io"
	"reflect"
	"strings"
	"testing"
)

// decode splits a command line the way runtime/cmdline.c's next_word()
// does (its header comment is the specification): blanks separate words,
// "..." groups, a backslash takes the next character literally.
func decode(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	i := 0
	for {
		for i < len(line) && strings.IndexByte(" \t\r\n", line[i]) >= 0 {
			i++
		}
		if i == len(line) {
			return words
		}
		var w []byte
		quoted := false
		for i < len(line) {
			c := line[i]
			if !quoted && strings.IndexByte(" \t\r\n", c) >= 0 {
				break
			}
			i++
			if c == '"' {
				quoted = !quoted
				continue
			}
			if c == '\\' {
				if i == len(line) {
					t.Fatalf("backslash at the end of %q", line)
				}
				c = line[i]
				i++
			}
			w = append(w, c)
		}
		if quoted {
			t.Fatalf("unterminated quote in %q", line)
		}
		words = append(words, string(w))
	}
}

func TestQuoteWordRoundTrip(t *testing.T) {
	words := []string{
		"plain", "KEY=VALUE", "", " ", "a b", "tab\there", "new\nline",
		`quote"inside`, `back\slash`, `\`, `"`, `""`, `trailing\`,
		`"quoted"`, "K=a b", `K="x"`, "--", "-x", "ünïcödé", "a=b=c",
	}
	for _, w := range words {
		got := decode(t, quoteWord(w))
		if len(got) != 1 || got[0] != w {
			t.Errorf("quoteWord(%q) = %s decodes to %q", w, quoteWord(w), got)
		}
	}
}

func TestQuoteWordLeavesPlainWords(t *testing.T) {
	for w, want := range map[string]string{
		"abc":       "abc",
		"K=V":       "K=V",
		"-test.v":   "-test.v",
		"a b":       `"a b"`,
		"":          `""`,
		`say "hi"`:  `"say \"hi\""`,
		`C:\dir`:    `"C:\\dir"`,
		"vmgo.x=1":  "vmgo.x=1",
		"tab\tstop": "\"tab\tstop\"",
	} {
		if got := quoteWord(w); got != want {
			t.Errorf("quoteWord(%q) = %s, want %s", w, got, want)
		}
	}
}

func TestBuildCmdline(t *testing.T) {
	line, err := buildCmdline("app", []string{"K=V", "MSG=hello world"}, []string{"a", "b c", ""})
	if err != nil {
		t.Fatal(err)
	}
	want := `vmgo.argv0=app K=V "MSG=hello world" -- a "b c" ""`
	if line != want {
		t.Errorf("got  %s\nwant %s", line, want)
	}
	got := decode(t, line)
	wantWords := []string{"vmgo.argv0=app", "K=V", "MSG=hello world", "--", "a", "b c", ""}
	if !reflect.DeepEqual(got, wantWords) {
		t.Errorf("decoded %q, want %q", got, wantWords)
	}

	line, err = buildCmdline("my app", nil, nil)
	if err != nil || line != `"vmgo.argv0=my app"` {
		t.Errorf("no words: %q, %v", line, err)
	}

	// Arguments that look like settings or separators stay arguments.
	line, _ = buildCmdline("x", nil, []string{"--", "K=V"})
	if want := "vmgo.argv0=x -- -- K=V"; line != want {
		t.Errorf("got %q, want %q", line, want)
	}

	if _, err := buildCmdline("x", nil, []string{strings.Repeat("a", cmdlineMax)}); err == nil {
		t.Error("an over-long command line was accepted")
	}
	if _, err := buildCmdline("x", nil, []string{strings.Repeat("a", cmdlineMax-len("vmgo.argv0=x -- "))}); err != nil {
		t.Errorf("a command line of exactly %d bytes was refused: %v", cmdlineMax, err)
	}
}

func TestImageName(t *testing.T) {
	for in, want := range map[string]string{
		"app.img":            "app",
		"/tmp/build/srv.img": "srv",
		"pkg.test":           "pkg.test",
		"a.out":              "a.out",
		"x.img.img":          "x.img",
	} {
		if got := imageName(in); got != want {
			t.Errorf("imageName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSplitWords(t *testing.T) {
	words, args, err := splitWords([]string{"A=1", "B=", "--", "x", "-y", "C=3", "--"})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(words, []string{"A=1", "B="}) || !reflect.DeepEqual(args, []string{"x", "-y", "C=3", "--"}) {
		t.Errorf("words %q args %q", words, args)
	}
	for _, bad := range [][]string{{"plain"}, {"-m", "1G"}, {"=x"}} {
		if _, _, err := splitWords(bad); err == nil {
			t.Errorf("splitWords(%q) accepted", bad)
		}
	}
	words, args, err = splitWords(nil)
	if err != nil || words != nil || args != nil {
		t.Errorf("empty: %q %q %v", words, args, err)
	}
}

func TestParseRun(t *testing.T) {
	t.Setenv("VMGO_ACCEL", "")
	o, image, words, args, err := parseRun("run", []string{"-m", "1G", "-smp=2", "-machine", "microvm",
		"-timeout", "90s", "-qemu-arg", "-s", "-qemu-arg", "-S", "app.img", "K=V", "--", "x"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if o.mem != "1G" || o.smp != 2 || o.machine != "microvm" || o.timeout.Seconds() != 90 ||
		!reflect.DeepEqual([]string(o.qemuArgs), []string{"-s", "-S"}) || o.accel != "auto" {
		t.Errorf("options %+v", o)
	}
	if image != "app.img" || !reflect.DeepEqual(words, []string{"K=V"}) || !reflect.DeepEqual(args, []string{"x"}) {
		t.Errorf("image %q words %q args %q", image, words, args)
	}

	_, _, words, args, err = parseRun("exec", []string{"pkg.test", "-test.v", "K=V"}, io.Discard)
	if err != nil || words != nil || !reflect.DeepEqual(args, []string{"-test.v", "K=V"}) {
		t.Errorf("exec: words %q args %q err %v", words, args, err)
	}

	t.Setenv("VMGO_ACCEL", "tcg")
	if o, _, _, _, _ := parseRun("run", []string{"x.img"}, io.Discard); o.accel != "tcg" {
		t.Errorf("VMGO_ACCEL=tcg gave accel %q", o.accel)
	}

	for _, bad := range [][]string{
		{},
		{"-machine", "virt", "x.img"},
		{"-m", "lots", "x.img"},
		{"-smp", "0", "x.img"},
		{"-timeout", "-1s", "x.img"},
		{"-nosuchoption", "x.img"},
		{"x.img", "-m", "1G"},
	} {
		if _, _, _, _, err := parseRun("run", bad, io.Discard); err == nil {
			t.Errorf("parseRun(%q) accepted", bad)
		}
	}
}

func TestQemuArgs(t *testing.T) {
	args := qemuArgs(runConfig{machine: "microvm", mem: "256M", smp: 1, accel: "kvm",
		image: "a.img", cmdline: "vmgo.argv0=a", debugcon: "/tmp/x,y", extra: []string{"-s"}})
	line := strings.Join(args, " ")
	for _, want := range []string{
		"-M microvm,auto-kernel-cmdline=off", "-accel kvm", "-cpu host", "-no-reboot",
		"-device isa-debug-exit,iobase=0xf4,iosize=4", "path=/tmp/x,,y",
		"-device isa-debugcon,iobase=0xe9,chardev=vmgo-debugcon",
		"-kernel a.img -append vmgo.argv0=a -s",
	} {
		if !strings.Contains(line, want) {
			t.Errorf("QEMU command line lacks %q:\n%s", want, line)
		}
	}
	args = qemuArgs(runConfig{machine: "q35", mem: "256M", smp: 1, accel: "tcg"})
	if line := strings.Join(args, " "); !strings.Contains(line, "-M q35 ") || !strings.Contains(line, "-cpu max") {
		t.Errorf("tcg/q35: %s", line)
	}
}

func TestShellQuote(t *testing.T) {
	got := shellQuote([]string{"qemu", "-append", `a "b" it's`, ""})
	want := `qemu -append 'a "b" it'\''s' ''`
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

// One vCPU under TCG on a QEMU before 8.1 gets maxcpus=2 (smpArg).
func TestSmpArgTCGFences(t *testing.T) {
	for _, c := range []struct {
		version string
		drops   bool
	}{
		{"QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)", true},
		{"QEMU emulator version 8.0.5", true},
		{"QEMU emulator version 8.1.0", false},
		{"QEMU emulator version 10.0.2", false},
		{"something else", true},
	} {
		if got := qemuDropsFences(c.version); got != c.drops {
			t.Errorf("qemuDropsFences(%q) = %v, want %v", c.version, got, c.drops)
		}
	}
	for _, c := range []struct {
		cfg  runConfig
		want string
	}{
		{runConfig{accel: "tcg", smp: 1, tcgFences: true}, "1,maxcpus=2"},
		{runConfig{accel: "tcg", smp: 2, tcgFences: true}, "2"},
		{runConfig{accel: "kvm", smp: 1, tcgFences: true}, "1"},
		{runConfig{accel: "tcg", smp: 1}, "1"},
	} {
		if got := smpArg(c.cfg); got != c.want {
			t.Errorf("smpArg(%+v) = %q, want %q", c.cfg, got, c.want)
		}
	}
}
