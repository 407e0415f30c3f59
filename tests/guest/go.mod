module vmgo/tests/guest

go 1.21

require vmgo.dev/vmgo v0.0.0

// The companion package, from this tree (docs/files.md).
replace vmgo.dev/vmgo => ../../go/vmgo
