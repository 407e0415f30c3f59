module vmgo/tools/vmgo

go 1.21
