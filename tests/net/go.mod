module vmgo/tests/net

go 1.21
