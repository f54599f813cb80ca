// This file prints doubles as nlohmann::json does: the digits of Grisu2 (not
// always the shortest digits that round-trip) in a %g-like layout.

package nlohmann

import (
	"math"
	"math/big"
	"math/bits"
)

// AppendFloat appends f as nlohmann::json serialises a double: "null" for NaN
// and infinities, a decimal point in integral values ("1.0", "-0.0"), plain
// notation for decimal exponents from -4 to 15 and exponent notation with at
// least two exponent digits otherwise ("1e+16", "1e-05").
func AppendFloat(dst []byte, f float64) []byte {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return append(dst, "null"...)
	}
	if math.Signbit(f) {
		dst = append(dst, '-')
		f = -f
	}
	if f == 0 {
		return append(dst, "0.0"...)
	}
	var buf [32]byte
	digits, exp10 := grisu2(buf[:0], f)
	return formatDigits(dst, digits, exp10)
}

// The layout limits of nlohmann's to_chars: plain notation is used while the
// position of the decimal point n satisfies minExp < n <= maxExp.
const (
	minExp = -4
	maxExp = 15 // std::numeric_limits<double>::digits10
)

// formatDigits lays out the value digits × 10^exp10.
func formatDigits(dst, digits []byte, exp10 int) []byte {
	k := len(digits)
	n := k + exp10 // position of the decimal point relative to the digits
	switch {
	case k <= n && n <= maxExp: // digits[000].0
		dst = append(dst, digits...)
		for i := k; i < n; i++ {
			dst = append(dst, '0')
		}
		return append(dst, '.', '0')
	case 0 < n && n <= maxExp: // dig.its
		dst = append(dst, digits[:n]...)
		dst = append(dst, '.')
		return append(dst, digits[n:]...)
	case minExp < n && n <= 0: // 0.[000]digits
		dst = append(dst, '0', '.')
		for i := 0; i < -n; i++ {
			dst = append(dst, '0')
		}
		return append(dst, digits...)
	}
	dst = append(dst, digits[0])
	if k > 1 {
		dst = append(dst, '.')
		dst = append(dst, digits[1:]...)
	}
	dst = append(dst, 'e')
	e := n - 1
	if e < 0 {
		dst = append(dst, '-')
		e = -e
	} else {
		dst = append(dst, '+')
	}
	switch {
	case e < 10:
		return append(dst, '0', byte('0'+e))
	case e < 100:
		return append(dst, byte('0'+e/10), byte('0'+e%10))
	}
	return append(dst, byte('0'+e/100), byte('0'+e/10%10), byte('0'+e%10))
}

// diyFP is a floating-point number f × 2^e with a 64-bit significand.
type diyFP struct {
	f uint64
	e int
}

func (x diyFP) sub(y diyFP) diyFP { return diyFP{x.f - y.f, x.e} }

// mul returns x × y rounded to 64 bits (ties up).
func (x diyFP) mul(y diyFP) diyFP {
	hi, lo := bits.Mul64(x.f, y.f)
	return diyFP{hi + lo>>63, x.e + y.e + 64}
}

func (x diyFP) normalize() diyFP {
	s := bits.LeadingZeros64(x.f)
	return diyFP{x.f << s, x.e - s}
}

func (x diyFP) normalizeTo(e int) diyFP { return diyFP{x.f << (x.e - e), e} }

// boundaries returns v normalised and the boundaries m- and m+ of the
// interval of reals that round to v, with the exponent of m+.
func boundaries(v float64) (w, minus, plus diyFP) {
	const (
		precision = 53
		bias      = 1023 + precision - 1
		hidden    = uint64(1) << (precision - 1)
	)
	b := math.Float64bits(v)
	e := b >> (precision - 1)
	f := b & (hidden - 1)
	x := diyFP{f, 1 - bias}
	if e != 0 {
		x = diyFP{f + hidden, int(e) - bias}
	}
	mPlus := diyFP{2*x.f + 1, x.e - 1}
	mMinus := diyFP{2*x.f - 1, x.e - 1}
	if f == 0 && e > 1 { // the lower neighbour is closer
		mMinus = diyFP{4*x.f - 1, x.e - 2}
	}
	plus = mPlus.normalize()
	return x.normalize(), mMinus.normalizeTo(plus.e), plus
}

// The target range of binary exponents after scaling by a cached power.
const (
	alpha = -60
	gamma = -32
)

// cachedPower is 10^k as a normalised diyFP.
type cachedPower struct {
	f uint64
	e int
	k int
}

// cachedPowers holds 10^k for k = -300, -292, ..., 340, rounded to 64 bits.
var cachedPowers = makeCachedPowers()

func makeCachedPowers() []cachedPower {
	var out []cachedPower
	for k := -300; k <= 340; k += 8 {
		// 10^k as a rational, scaled by 2^s so that its integer part has
		// exactly 64 bits, rounded to nearest.
		r := new(big.Rat)
		ten := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(abs(k))), nil)
		if k >= 0 {
			r.SetInt(ten)
		} else {
			r.SetFrac(big.NewInt(1), ten)
		}
		e := ratLog2(r) - 63 // r / 2^e is in [2^63, 2^64)
		scaled := new(big.Rat).Set(r)
		if e > 0 {
			scaled.Quo(scaled, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(e))))
		} else {
			scaled.Mul(scaled, new(big.Rat).SetInt(new(big.Int).Lsh(big.NewInt(1), uint(-e))))
		}
		q, rem := new(big.Int).QuoRem(scaled.Num(), scaled.Denom(), new(big.Int))
		if new(big.Int).Lsh(rem, 1).Cmp(scaled.Denom()) >= 0 {
			q.Add(q, big.NewInt(1))
		}
		if q.BitLen() > 64 { // rounded up to 2^64
			q.Rsh(q, 1)
			e++
		}
		out = append(out, cachedPower{q.Uint64(), e, k})
	}
	return out
}

// ratLog2 returns floor(log2(r)) for r > 0.
func ratLog2(r *big.Rat) int {
	n := r.Num().BitLen() - r.Denom().BitLen()
	// r is in [2^(n-1), 2^(n+1)); find the exact floor.
	p := new(big.Rat)
	if n >= 0 {
		p.SetInt(new(big.Int).Lsh(big.NewInt(1), uint(n)))
	} else {
		p.SetFrac(big.NewInt(1), new(big.Int).Lsh(big.NewInt(1), uint(-n)))
	}
	if r.Cmp(p) < 0 {
		return n - 1
	}
	return n
}

func abs(k int) int {
	if k < 0 {
		return -k
	}
	return k
}

// cachedPowerFor returns a power c = 10^-k such that the exponent of c × x
// lies in [alpha, gamma] for x with binary exponent e.
func cachedPowerFor(e int) cachedPower {
	f := alpha - e - 1
	k := f * 78913 / (1 << 18) // ceil((alpha - e - 1) × log10(2)) for |e| <= 1500
	if f > 0 {
		k++
	}
	const minDecExp, decStep = -300, 8
	return cachedPowers[(-minDecExp+k+decStep-1)/decStep]
}

// grisu2 appends the digits of v > 0 and returns them with their decimal
// exponent: v ≈ digits × 10^exp10.
func grisu2(buf []byte, v float64) ([]byte, int) {
	w, mMinus, mPlus := boundaries(v)
	c := cachedPowerFor(mPlus.e)
	cm := diyFP{c.f, c.e}
	ww := w.mul(cm)
	wMinus := mMinus.mul(cm)
	wPlus := mPlus.mul(cm)
	// The products are off by less than one unit: shrink the interval.
	lo := diyFP{wMinus.f + 1, wMinus.e}
	hi := diyFP{wPlus.f - 1, wPlus.e}
	return digitGen(buf, -c.k, lo, ww, hi)
}

// digitGen generates the digits of hi from the left until the number lies in
// [lo, hi], then moves the last digit towards w.
func digitGen(buf []byte, exp10 int, lo, w, hi diyFP) ([]byte, int) {
	delta := hi.sub(lo).f
	dist := hi.sub(w).f
	shift := uint(-hi.e)
	oneF := uint64(1) << shift
	p1 := uint32(hi.f >> shift)
	p2 := hi.f & (oneF - 1)

	pow10, n := largestPow10(p1)
	for n > 0 {
		d := p1 / pow10
		p1 %= pow10
		buf = append(buf, byte('0'+d))
		n--
		rest := uint64(p1)<<shift + p2
		if rest <= delta {
			exp10 += n
			roundTowards(buf, dist, delta, rest, uint64(pow10)<<shift)
			return buf, exp10
		}
		pow10 /= 10
	}
	m := 0
	for {
		p2 *= 10
		d := p2 >> shift
		p2 &= oneF - 1
		buf = append(buf, byte('0'+d))
		m++
		delta *= 10
		dist *= 10
		if p2 <= delta {
			break
		}
	}
	exp10 -= m
	roundTowards(buf, dist, delta, p2, oneF)
	return buf, exp10
}

// largestPow10 returns 10^(k-1) and k such that 10^(k-1) <= n < 10^k.
func largestPow10(n uint32) (uint32, int) {
	p, k := uint32(1), 1
	for k < 10 && n >= p*10 {
		p *= 10
		k++
	}
	return p, k
}

// roundTowards decrements the last digit while that brings the number closer
// to w without leaving the interval.
func roundTowards(buf []byte, dist, delta, rest, tenK uint64) {
	for rest < dist && delta-rest >= tenK &&
		(rest+tenK < dist || dist-rest > rest+tenK-dist) {
		buf[len(buf)-1]--
		rest += tenK
	}
}
