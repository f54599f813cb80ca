module github.com/nixgo/nixgo

go 1.26

require github.com/BurntSushi/toml v1.5.0
