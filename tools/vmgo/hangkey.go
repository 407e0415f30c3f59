// SPDX-License-Identifier: ISC

// hangkey.go: the hang key.  SIGQUIT (Ctrl-\ on the terminal) while vmgo
// run is in the foreground injects an NMI through QEMU's QMP socket; the
// runtime answers an NMI by printing every CPU's and thread's state
// (runtime/debug.c) and the program carries on.

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"time"
)

// hangKeyRepeat is how soon a second SIGQUIT must follow the first to stop
// the guest instead of dumping it again.
const hangKeyRepeat = time.Second

// quitStops is set by vmgo exec: there SIGQUIT is go test's signal for a
// test past its time, which to a native test binary means "dump and
// exit".  The first SIGQUIT then dumps the guest's threads, waits
// hangKeyRepeat for the dump to print, and stops QEMU.
var quitStops bool

// qmpTimeout bounds one conversation with QEMU's QMP server.
const qmpTimeout = 3 * time.Second

// qmpNMI connects to the QMP socket at path and runs inject-nmi, which on
// x86 delivers an NMI to every CPU (QEMU's x86_nmi(), as the HMP "nmi"
// command).  Returns nil once QEMU has answered with "return".
func qmpNMI(path string) error {
	c, err := net.DialTimeout("unix", path, qmpTimeout)
	if err != nil {
		return fmt.Errorf("cannot reach QEMU's QMP socket: %v", err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(qmpTimeout))
	r := bufio.NewReader(c)
	dec := json.NewDecoder(r)

	// The server greets with {"QMP": {...}}; commands are refused until
	// qmp_capabilities leaves negotiation mode (QMP spec, docs/interop/qmp-spec).
	var greet map[string]json.RawMessage
	if err := dec.Decode(&greet); err != nil {
		return fmt.Errorf("QMP greeting: %v", err)
	}
	if _, ok := greet["QMP"]; !ok {
		return fmt.Errorf("QMP greeting: unexpected %v", greet)
	}
	for _, cmd := range []string{"qmp_capabilities", "inject-nmi"} {
		if _, err := fmt.Fprintf(c, "{\"execute\": %q}\n", cmd); err != nil {
			return fmt.Errorf("QMP %s: %v", cmd, err)
		}
		if err := qmpAnswer(dec, cmd); err != nil {
			return err
		}
	}
	return nil
}

// qmpAnswer reads QMP messages until the answer to cmd: asynchronous
// events ({"event": ...}) may come first (qmpResult, profile.go).
func qmpAnswer(dec *json.Decoder, cmd string) error {
	_, err := qmpResult(dec, cmd)
	return err
}
