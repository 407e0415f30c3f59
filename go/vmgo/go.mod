module vmgo.dev/vmgo

go 1.21
