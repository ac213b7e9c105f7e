package pos

import "strconv"

func fieldIndex(name string, i int) string { return name + "[" + strconv.Itoa(i) + "]" }
