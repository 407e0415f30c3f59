module vmgo.dev/bench

go 1.21
