// Package hl7 reads and writes HL7 v2 messages: the parser (segments, fields,
// repetitions, components, sub-components, escape sequences, encoding characters taken
// from MSH), ADT field extraction, acknowledgements and MLLP framing. No HL7 library is
// available as a Go module here, so this is ours; it only needs the standard library.
//
// Numbering follows the standard: PID-3 is the third field after the segment name, and
// MSH-1 is the field separator itself, so MSH-n is the (n-1)th piece after "MSH".
// Components and repetitions count from 1 in the accessors.
package hl7

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Limits that keep a hostile or broken feed from using unbounded memory.
const (
	MaxMessageBytes = 1 << 20 // 1 MiB
	MaxSegments     = 2000
)

// Delimiters are a message's encoding characters (MSH-1 and MSH-2).
type Delimiters struct {
	Field, Component, Repetition, Escape, Subcomponent byte
}

// Segment is one segment: its name and its raw (still escaped) fields. Fields[0] is the
// name; for MSH, Fields[1] is MSH-1 (the field separator) and Fields[2] MSH-2.
type Segment struct {
	Name   string
	Fields []string
}

// Message is a parsed HL7 v2 message.
type Message struct {
	Delims   Delimiters
	Segments []Segment
	Raw      string // the message with segments ending in "\r"
}

// Parse errors.
var (
	ErrEmpty    = errors.New("hl7: empty message")
	ErrTooLarge = fmt.Errorf("hl7: message over %d bytes", MaxMessageBytes)
	ErrNoMSH    = errors.New("hl7: the message does not start with an MSH segment")
)

// Parse reads one message. Segments may end with "\r", "\n" or "\r\n"; blank lines are
// skipped; the encoding characters come from MSH. Text is expected in UTF-8.
func Parse(raw []byte) (*Message, error) {
	if len(raw) > MaxMessageBytes {
		return nil, ErrTooLarge
	}
	raw = bytes.TrimLeft(raw, " \t\r\n\x0b")
	raw = bytes.TrimRight(raw, " \t\r\n\x1c")
	if len(raw) == 0 {
		return nil, ErrEmpty
	}
	if len(raw) < 8 || string(raw[:3]) != "MSH" {
		return nil, ErrNoMSH
	}
	d := Delimiters{Field: raw[3], Component: '^', Repetition: '~', Escape: '\\', Subcomponent: '&'}
	enc := raw[4:]
	if i := bytes.IndexByte(enc, d.Field); i >= 0 {
		enc = enc[:i]
	} else {
		return nil, errors.New("hl7: MSH has no fields after the encoding characters")
	}
	if len(enc) < 1 || len(enc) > 5 || bytes.ContainsAny(enc, "\r\n") {
		return nil, fmt.Errorf("hl7: bad encoding characters %q in MSH-2", enc)
	}
	set := []*byte{&d.Component, &d.Repetition, &d.Escape, &d.Subcomponent}
	for i := range min(len(enc), 4) {
		*set[i] = enc[i]
	}
	if !distinct(d) {
		return nil, fmt.Errorf("hl7: encoding characters %q repeat a delimiter", enc)
	}
	m := &Message{Delims: d}
	var sb strings.Builder
	for _, line := range splitSegments(raw) {
		if len(line) == 0 {
			continue
		}
		if len(m.Segments) >= MaxSegments {
			return nil, fmt.Errorf("hl7: more than %d segments", MaxSegments)
		}
		s := string(line)
		parts := strings.Split(s, string(d.Field))
		name := parts[0]
		if len(name) != 3 || !isSegmentName(name) {
			return nil, fmt.Errorf("hl7: segment %d has no valid name (%q)", len(m.Segments)+1, clip(name))
		}
		seg := Segment{Name: name}
		if name == "MSH" && len(m.Segments) == 0 {
			seg.Fields = append([]string{"MSH", string(d.Field)}, parts[1:]...)
		} else {
			seg.Fields = parts
		}
		m.Segments = append(m.Segments, seg)
		sb.WriteString(s)
		sb.WriteByte('\r')
	}
	if len(m.Segments) == 0 || m.Segments[0].Name != "MSH" {
		return nil, ErrNoMSH
	}
	m.Raw = sb.String()
	return m, nil
}

func distinct(d Delimiters) bool {
	all := []byte{d.Field, d.Component, d.Repetition, d.Escape, d.Subcomponent}
	for i := range all {
		if all[i] == '\r' || all[i] == '\n' {
			return false
		}
		for j := i + 1; j < len(all); j++ {
			if all[i] == all[j] {
				return false
			}
		}
	}
	return true
}

func isSegmentName(s string) bool {
	for i := range len(s) {
		c := s[i]
		if (c < 'A' || c > 'Z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func clip(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

// splitSegments splits on "\r\n", "\r" or "\n".
func splitSegments(b []byte) [][]byte {
	var out [][]byte
	start := 0
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' || b[i] == '\n' {
			out = append(out, b[start:i])
			if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			start = i + 1
		}
	}
	return append(out, b[start:])
}

// Segment returns the first segment named name.
func (m *Message) Segment(name string) (Segment, bool) {
	for _, s := range m.Segments {
		if s.Name == name {
			return s, true
		}
	}
	return Segment{}, false
}

// Field returns field n of the segment, raw ("" when absent).
func (s Segment) Field(n int) string {
	if n < 0 || n >= len(s.Fields) {
		return ""
	}
	return s.Fields[n]
}

// Repetitions splits field n into its repetitions (raw). MSH-1 and MSH-2 never split.
func (m *Message) Repetitions(s Segment, n int) []string {
	f := s.Field(n)
	if f == "" {
		return nil
	}
	if s.Name == "MSH" && n <= 2 {
		return []string{f}
	}
	return strings.Split(f, string(m.Delims.Repetition))
}

// Component returns component c (from 1) of a raw repetition, decoded; sub-components
// are kept joined by the sub-component separator's decoded meaning ("&").
func (m *Message) Component(rep string, c int) string {
	parts := strings.Split(rep, string(m.Delims.Component))
	if c < 1 || c > len(parts) {
		return ""
	}
	return m.Decode(parts[c-1])
}

// Get returns SEG-field.component of the first repetition of the first such segment,
// decoded; component 0 means the whole field's first repetition.
func (m *Message) Get(seg string, field, comp int) string {
	s, ok := m.Segment(seg)
	if !ok {
		return ""
	}
	reps := m.Repetitions(s, field)
	if len(reps) == 0 {
		return ""
	}
	if comp == 0 {
		return m.Decode(reps[0])
	}
	return m.Component(reps[0], comp)
}

// Decode replaces the escape sequences of a field, component or sub-component:
// \F\ \S\ \T\ \R\ \E\ give the delimiters, \Xhh…\ hex bytes, \.br\ a line break;
// highlighting (\H\, \N\) is dropped; anything unknown is kept as it was.
func (m *Message) Decode(s string) string {
	esc := m.Delims.Escape
	if strings.IndexByte(s, esc) < 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != esc {
			b.WriteByte(s[i])
			continue
		}
		j := strings.IndexByte(s[i+1:], esc)
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		code := s[i+1 : i+1+j]
		switch {
		case code == "F":
			b.WriteByte(m.Delims.Field)
		case code == "S":
			b.WriteByte(m.Delims.Component)
		case code == "T":
			b.WriteByte(m.Delims.Subcomponent)
		case code == "R":
			b.WriteByte(m.Delims.Repetition)
		case code == "E":
			b.WriteByte(esc)
		case code == ".br":
			b.WriteByte('\n')
		case code == "H" || code == "N":
		case len(code) > 1 && code[0] == 'X' && len(code)%2 == 1 && isHex(code[1:]):
			for k := 1; k+1 < len(code); k += 2 {
				b.WriteByte(unhex(code[k])<<4 | unhex(code[k+1]))
			}
		default:
			b.WriteByte(esc)
			b.WriteString(code)
			b.WriteByte(esc)
		}
		i += j + 1
	}
	return b.String()
}

func isHex(s string) bool {
	for i := range len(s) {
		if unhex(s[i]) == 0xff {
			return false
		}
	}
	return true
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0xff
}

// Encode escapes text for a field with the message's delimiters.
func (d Delimiters) Encode(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case d.Escape:
			b.WriteString(string(d.Escape) + "E" + string(d.Escape))
		case d.Field:
			b.WriteString(string(d.Escape) + "F" + string(d.Escape))
		case d.Component:
			b.WriteString(string(d.Escape) + "S" + string(d.Escape))
		case d.Subcomponent:
			b.WriteString(string(d.Escape) + "T" + string(d.Escape))
		case d.Repetition:
			b.WriteString(string(d.Escape) + "R" + string(d.Escape))
		case '\r', '\n':
			b.WriteString(string(d.Escape) + ".br" + string(d.Escape))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
