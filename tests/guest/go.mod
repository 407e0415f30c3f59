module vmgo/tests/guest

go 1.21
