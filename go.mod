module github.com/nixgo/nixgo

go 1.26
