package qr

// The check character is a weighted sum over GF(32), the field of 32
// elements (polynomial x⁵+x²+1), not over the integers mod 32: in a field
// (w_i − w_j)(v_i − v_j) is never zero for distinct weights and distinct
// values, so with distinct non-zero weights the check catches every single
// changed character and every swap of two characters, adjacent or not. An
// integer mod-32 sum cannot (its weights must all be odd to catch
// substitutions, and then their differences are even), and a mod-37 sum
// needs five check symbols outside the alphabet. A random string passes with
// probability 1/32.

// gfPoly is x⁵+x²+1, a primitive polynomial: x generates all 31 non-zero
// elements, so the weights x¹…x⁹ below and 1 for the check are distinct.
const gfPoly = 0b100101

// gfMul multiplies a and b in GF(32).
func gfMul(a, b byte) byte {
	var p byte
	for ; b != 0; b >>= 1 {
		if b&1 != 0 {
			p ^= a
		}
		a <<= 1
		if a&32 != 0 {
			a ^= gfPoly
		}
	}
	return p
}

// checkValue returns the check digit c for data digits v (each 0..31) such
// that c + Σ xⁱ⁺¹·v[i] = 0 in GF(32); in characteristic 2, c is the sum.
func checkValue(v []byte) byte {
	var sum, w byte = 0, 2 // w = x¹
	for _, d := range v {
		sum ^= gfMul(w, d)
		w = gfMul(w, 2)
	}
	return sum
}
