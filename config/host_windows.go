// Host detection on Windows: nothing beyond the portable defaults (CppNix never treats Windows users as root).

package config

func detectHost(h *Host) {}
