package qr

import (
	"bytes"
	"strconv"
)

// SVG returns a QR code holding content as a standalone SVG document: a
// white square and one <path> of the dark modules, quiet zone included, in
// a viewBox of one unit per module. It has no size, script or external
// reference, so CSS scales it and it can be inlined in a page.
// Codes: validation_failed (fields "content", "level").
func SVG(content string, level Level) ([]byte, error) {
	bm, err := modules(content, level)
	if err != nil {
		return nil, err
	}
	n := strconv.Itoa(len(bm))
	var b bytes.Buffer
	b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ` + n + ` ` + n + `" shape-rendering="crispEdges">`)
	b.WriteString(`<rect width="` + n + `" height="` + n + `" fill="#fff"/><path fill="#000" d="`)
	writeRuns(&b, bm)
	b.WriteString(`"/></svg>`)
	return b.Bytes(), nil
}

// writeRuns writes one closed subpath per horizontal run of dark modules,
// "M x y h len v 1 h -len z", far shorter than one square per module.
func writeRuns(b *bytes.Buffer, bm [][]bool) {
	for y, row := range bm {
		for _, r := range runs(row) {
			w := strconv.Itoa(r[1] - r[0])
			b.WriteString("M" + strconv.Itoa(r[0]) + " " + strconv.Itoa(y) + "h" + w + "v1h-" + w + "z")
		}
	}
}

// runs returns the [start, end) column ranges of the dark modules in row.
func runs(row []bool) [][2]int {
	var out [][2]int
	for x := 0; x < len(row); x++ {
		if !row[x] {
			continue
		}
		start := x
		for x < len(row) && row[x] {
			x++
		}
		out = append(out, [2]int{start, x})
	}
	return out
}
