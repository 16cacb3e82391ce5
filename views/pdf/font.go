package pdf

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// gopdf embeds a subset of each font holding the glyphs drawn plus their
// components, but not the components of those components. DejaVu Sans
// builds many Arabic glyphs from composites of composites: initial beh, teh
// and noon, initial and medial qaf, every letter carrying a hamza. Embedded
// as they are, those glyphs lose their body, dots or hamza. flattenComposites
// rewrites the font so that every composite glyph refers to simple glyphs
// only, which gopdf's subsetter handles.

// Flags of a TrueType composite glyph component (OpenType glyf table).
const (
	argsAreWords     = 0x0001
	argsAreXY        = 0x0002
	roundXYToGrid    = 0x0004
	haveScale        = 0x0008
	moreComponents   = 0x0020
	haveXYScale      = 0x0040
	haveTwoByTwo     = 0x0080
	haveInstructions = 0x0100
	scaledOffset     = 0x0800
	unscaledOffset   = 0x1000
	transformFlags   = haveScale | haveXYScale | haveTwoByTwo
)

// compositeHeadSize is the size of a glyph header: numberOfContours and the
// bounding box.
const compositeHeadSize = 10

// sfnt is a TrueType font split into its tables.
type sfnt struct {
	tables map[string][]byte
	order  []string // tags in directory order
}

func parseSFNT(data []byte) (*sfnt, error) {
	if len(data) < 12 {
		return nil, errors.New("font too short")
	}
	n := int(binary.BigEndian.Uint16(data[4:]))
	if len(data) < 12+16*n {
		return nil, errors.New("font table directory truncated")
	}
	f := &sfnt{tables: make(map[string][]byte, n)}
	for i := range n {
		rec := data[12+16*i:]
		tag := string(rec[:4])
		off, length := binary.BigEndian.Uint32(rec[8:]), binary.BigEndian.Uint32(rec[12:])
		if uint64(off)+uint64(length) > uint64(len(data)) {
			return nil, fmt.Errorf("font table %q out of bounds", tag)
		}
		f.tables[tag] = data[off : off+length]
		f.order = append(f.order, tag)
	}
	for _, tag := range []string{"head", "maxp", "loca", "glyf"} {
		if f.tables[tag] == nil {
			return nil, fmt.Errorf("font has no %q table", tag)
		}
	}
	if len(f.tables["head"]) < 54 || len(f.tables["maxp"]) < 6 {
		return nil, errors.New("font head or maxp table truncated")
	}
	return f, nil
}

// glyphs returns the glyf data of every glyph, using loca.
func (f *sfnt) glyphs() ([][]byte, error) {
	n := int(binary.BigEndian.Uint16(f.tables["maxp"][4:]))
	long := binary.BigEndian.Uint16(f.tables["head"][50:]) == 1
	loca, glyf := f.tables["loca"], f.tables["glyf"]
	offset := func(i int) (int, bool) {
		if long {
			if len(loca) < 4*(i+1) {
				return 0, false
			}
			return int(binary.BigEndian.Uint32(loca[4*i:])), true
		}
		if len(loca) < 2*(i+1) {
			return 0, false
		}
		return 2 * int(binary.BigEndian.Uint16(loca[2*i:])), true
	}
	out := make([][]byte, n)
	for i := range n {
		start, ok1 := offset(i)
		end, ok2 := offset(i + 1)
		if !ok1 || !ok2 || start > end || end > len(glyf) {
			return nil, fmt.Errorf("font glyph %d out of bounds", i)
		}
		out[i] = glyf[start:end]
	}
	return out, nil
}

// component is one reference of a composite glyph to another glyph.
type component struct {
	flags  uint16
	glyph  uint16
	dx, dy int // offset in font units, when flags has argsAreXY
	extra  []byte
}

// components parses a composite glyph. simple is true for simple (or empty)
// glyphs; instructions are the composite's hinting program, if any.
func components(g []byte) (cs []component, instructions []byte, simple bool, err error) {
	if len(g) < compositeHeadSize || int16(binary.BigEndian.Uint16(g)) >= 0 {
		return nil, nil, true, nil
	}
	p := compositeHeadSize
	for {
		if len(g) < p+4 {
			return nil, nil, false, errors.New("composite glyph truncated")
		}
		c := component{flags: binary.BigEndian.Uint16(g[p:]), glyph: binary.BigEndian.Uint16(g[p+2:])}
		p += 4
		argSize := 2
		if c.flags&argsAreWords != 0 {
			argSize = 4
		}
		extraSize := 0
		switch {
		case c.flags&haveScale != 0:
			extraSize = 2
		case c.flags&haveXYScale != 0:
			extraSize = 4
		case c.flags&haveTwoByTwo != 0:
			extraSize = 8
		}
		if len(g) < p+argSize+extraSize {
			return nil, nil, false, errors.New("composite glyph truncated")
		}
		if argSize == 4 {
			c.dx, c.dy = int(int16(binary.BigEndian.Uint16(g[p:]))), int(int16(binary.BigEndian.Uint16(g[p+2:])))
		} else {
			c.dx, c.dy = int(int8(g[p])), int(int8(g[p+1]))
		}
		p += argSize
		c.extra = g[p : p+extraSize]
		p += extraSize
		cs = append(cs, c)
		if c.flags&moreComponents == 0 {
			break
		}
	}
	if cs[len(cs)-1].flags&haveInstructions != 0 && len(g) >= p+2 {
		n := int(binary.BigEndian.Uint16(g[p:]))
		if len(g) >= p+2+n {
			instructions = g[p : p+2+n]
		}
	}
	return cs, instructions, false, nil
}

// flatten returns the simple-glyph components of glyph g with offsets
// relative to g, or ok false when g cannot be flattened (transforms, point
// matching, or nesting deeper than depth).
func flatten(glyphs [][]byte, c component, depth int) (out []component, ok bool) {
	if int(c.glyph) >= len(glyphs) || depth == 0 {
		return nil, false
	}
	children, _, simple, err := components(glyphs[c.glyph])
	if err != nil {
		return nil, false
	}
	if simple {
		return []component{c}, true
	}
	if c.flags&(argsAreXY|transformFlags|scaledOffset) != argsAreXY {
		return nil, false
	}
	for _, child := range children {
		if child.flags&(argsAreXY|transformFlags|scaledOffset) != argsAreXY {
			return nil, false
		}
		child.dx += c.dx
		child.dy += c.dy
		child.flags = child.flags&^roundXYToGrid | c.flags&roundXYToGrid
		leaves, ok := flatten(glyphs, child, depth-1)
		if !ok {
			return nil, false
		}
		out = append(out, leaves...)
	}
	return out, true
}

// encodeComposite writes a composite glyph with the given header (bounding
// box) and components, keeping only the component flags that still apply.
func encodeComposite(head []byte, cs []component, instructions []byte) []byte {
	out := append([]byte(nil), head[:compositeHeadSize]...)
	for i, c := range cs {
		flags := c.flags&(argsAreXY|roundXYToGrid|transformFlags|unscaledOffset) | argsAreWords
		if i < len(cs)-1 {
			flags |= moreComponents
		} else if instructions != nil {
			flags |= haveInstructions
		}
		out = binary.BigEndian.AppendUint16(out, flags)
		out = binary.BigEndian.AppendUint16(out, c.glyph)
		out = binary.BigEndian.AppendUint16(out, uint16(int16(c.dx)))
		out = binary.BigEndian.AppendUint16(out, uint16(int16(c.dy)))
		out = append(out, c.extra...)
	}
	return append(out, instructions...)
}

// flattenComposites returns a copy of the TrueType font data whose composite
// glyphs refer only to simple glyphs, for gopdf (see above). Composites
// that use transforms or point matching are left as they are; DejaVu Sans
// has none that nest.
func flattenComposites(data []byte) ([]byte, error) {
	f, err := parseSFNT(data)
	if err != nil {
		return nil, err
	}
	glyphs, err := f.glyphs()
	if err != nil {
		return nil, err
	}
	changed := false
	maxComponents := 0
	newGlyphs := make([][]byte, len(glyphs))
	isComposite := func(g []byte) bool {
		return len(g) >= compositeHeadSize && int16(binary.BigEndian.Uint16(g)) < 0
	}
	for i, g := range glyphs {
		newGlyphs[i] = g
		if !isComposite(g) {
			continue
		}
		cs, instructions, _, err := components(g)
		if err != nil {
			continue // a broken glyph stays as broken as it was
		}
		nests := false
		for _, c := range cs {
			nests = nests || (int(c.glyph) < len(glyphs) && isComposite(glyphs[c.glyph]))
		}
		if !nests {
			maxComponents = max(maxComponents, len(cs))
			continue
		}
		var flat []component
		for _, c := range cs {
			leaves, ok := flatten(glyphs, c, 8)
			if !ok {
				flat = nil
				break
			}
			flat = append(flat, leaves...)
		}
		if flat == nil || !fitsInt16(flat) {
			maxComponents = max(maxComponents, len(cs))
			continue
		}
		newGlyphs[i] = encodeComposite(g, flat, instructions)
		maxComponents = max(maxComponents, len(flat))
		changed = true
	}
	if !changed {
		return data, nil
	}

	// New glyf and long-format loca.
	glyf := make([]byte, 0, len(f.tables["glyf"])+len(f.tables["glyf"])/16)
	loca := make([]byte, 0, 4*(len(newGlyphs)+1))
	for _, g := range newGlyphs {
		loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
		glyf = append(glyf, g...)
		for len(glyf)%4 != 0 {
			glyf = append(glyf, 0)
		}
	}
	loca = binary.BigEndian.AppendUint32(loca, uint32(len(glyf)))
	head := append([]byte(nil), f.tables["head"]...)
	binary.BigEndian.PutUint16(head[50:], 1) // indexToLocFormat: long
	binary.BigEndian.PutUint32(head[8:], 0)  // checkSumAdjustment, set below
	maxp := append([]byte(nil), f.tables["maxp"]...)
	if len(maxp) >= 32 { // version 1.0: maxComponentElements, maxComponentDepth
		binary.BigEndian.PutUint16(maxp[28:], uint16(max(maxComponents, int(binary.BigEndian.Uint16(maxp[28:])))))
		binary.BigEndian.PutUint16(maxp[30:], 1)
	}
	replaced := map[string][]byte{"glyf": glyf, "loca": loca, "head": head, "maxp": maxp}

	// Reassemble with the same directory, tables 4-byte aligned.
	n := len(f.order)
	out := make([]byte, 12+16*n, len(data)+len(glyf))
	copy(out, data[:12])
	for i, tag := range f.order {
		table, ok := replaced[tag]
		if !ok {
			table = f.tables[tag]
		}
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(table))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(table)))
		out = append(out, table...)
		for len(out)%4 != 0 {
			out = append(out, 0)
		}
	}
	for i, tag := range f.order {
		if tag == "head" {
			headOffset := binary.BigEndian.Uint32(out[12+16*i+8:])
			binary.BigEndian.PutUint32(out[headOffset+8:], 0xB1B0AFBA-checksum(out))
		}
	}
	return out, nil
}

func fitsInt16(cs []component) bool {
	for _, c := range cs {
		if c.dx < -32768 || c.dx > 32767 || c.dy < -32768 || c.dy > 32767 {
			return false
		}
	}
	return true
}

// checksum is the TrueType table checksum: the sum of big-endian uint32
// words, the last one zero-padded.
func checksum(b []byte) uint32 {
	var sum uint32
	for len(b) >= 4 {
		sum += binary.BigEndian.Uint32(b)
		b = b[4:]
	}
	var last [4]byte
	copy(last[:], b)
	return sum + binary.BigEndian.Uint32(last[:])
}
