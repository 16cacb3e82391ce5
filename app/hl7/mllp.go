package hl7

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// MLLP frame bytes: <VT> message <FS><CR>.
const (
	startBlock = 0x0b
	endBlock   = 0x1c
	carriage   = 0x0d
)

// ReadFrame reads one MLLP-framed message from r (bytes before the start block are
// skipped). It returns io.EOF at a clean end of stream.
func ReadFrame(r *bufio.Reader) ([]byte, error) {
	for {
		c, err := r.ReadByte()
		if err != nil {
			return nil, err
		}
		if c == startBlock {
			break
		}
	}
	var buf bytes.Buffer
	for {
		chunk, err := r.ReadSlice(endBlock)
		if buf.Len()+len(chunk) > MaxMessageBytes {
			return nil, ErrTooLarge
		}
		buf.Write(chunk)
		if errors.Is(err, bufio.ErrBufferFull) {
			continue
		}
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, io.ErrUnexpectedEOF
			}
			return nil, err
		}
		break
	}
	b := buf.Bytes()
	b = b[:len(b)-1] // the end block
	if c, err := r.ReadByte(); err != nil || c != carriage {
		if err == nil {
			_ = r.UnreadByte()
		}
	}
	return b, nil
}

// WriteFrame writes msg MLLP-framed.
func WriteFrame(w io.Writer, msg []byte) error {
	buf := make([]byte, 0, len(msg)+3)
	buf = append(buf, startBlock)
	buf = append(buf, msg...)
	buf = append(buf, endBlock, carriage)
	_, err := w.Write(buf)
	return err
}

// Split cuts a file holding one or more messages, MLLP-framed or plain (each starting
// with "MSH"), into the messages.
func Split(data []byte) [][]byte {
	if bytes.IndexByte(data, startBlock) >= 0 {
		var out [][]byte
		r := bufio.NewReader(bytes.NewReader(data))
		for {
			m, err := ReadFrame(r)
			if err != nil { // the end, or a frame too large or cut short: what came before stands
				return out
			}
			out = append(out, m)
		}
	}
	var out [][]byte
	start := -1
	for _, i := range segmentStarts(data) {
		if bytes.HasPrefix(data[i:], []byte("MSH")) {
			if start >= 0 {
				out = append(out, data[start:i])
			}
			start = i
		}
	}
	if start >= 0 {
		out = append(out, data[start:])
	} else if len(bytes.TrimSpace(data)) > 0 {
		out = append(out, data) // no MSH at all: Parse says so
	}
	return out
}

// segmentStarts returns the offsets where lines begin.
func segmentStarts(b []byte) []int {
	out := []int{0}
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' || b[i] == '\n' {
			if i+1 < len(b) && b[i+1] != '\r' && b[i+1] != '\n' {
				out = append(out, i+1)
			}
		}
	}
	return out
}

// ACK codes (MSA-1).
const (
	AckAccept = "AA" // accepted
	AckError  = "AE" // application error: the sender should fix and resend
	AckReject = "AR" // rejected: not a message we take
)

// Ack builds the acknowledgement of a message: MSH with sender and receiver swapped and
// MSA with the code, the original control id and a text. m may be nil when the message
// could not be parsed; then the control id is unknown.
func Ack(m *Message, code, text string, now time.Time, controlID string) []byte {
	d := Delimiters{Field: '|', Component: '^', Repetition: '~', Escape: '\\', Subcomponent: '&'}
	sendApp, sendFac, recvApp, recvFac, version, trigger, orig := "PX360", "", "", "", "2.5", "", ""
	if m != nil {
		d = m.Delims
		recvApp, recvFac = m.Get("MSH", 3, 0), m.Get("MSH", 4, 0)
		if app := m.Get("MSH", 5, 0); app != "" {
			sendApp = app
		}
		sendFac = m.Get("MSH", 6, 0)
		if v := m.Get("MSH", 12, 0); v != "" {
			version = v
		}
		trigger, orig = m.Get("MSH", 9, 2), m.Get("MSH", 10, 0)
	}
	f := string(d.Field)
	enc := string([]byte{d.Component, d.Repetition, d.Escape, d.Subcomponent})
	typ := "ACK"
	if trigger != "" {
		typ = "ACK" + string(d.Component) + d.Encode(trigger) + string(d.Component) + "ACK"
	}
	msh := strings.Join([]string{"MSH" + f + enc, d.Encode(sendApp), d.Encode(sendFac), d.Encode(recvApp), d.Encode(recvFac),
		now.Format("20060102150405-0700"), "", typ, controlID, "P", d.Encode(version)}, f)
	msa := strings.Join([]string{"MSA", code, d.Encode(orig), d.Encode(clipText(text))}, f)
	return []byte(msh + "\r" + msa + "\r")
}

func clipText(s string) string {
	if len(s) > 200 {
		return s[:200]
	}
	return s
}

// AckCode reads MSA-1 of an acknowledgement (for tests and the bench client).
func AckCode(ack []byte) (code, controlID string, err error) {
	m, err := Parse(ack)
	if err != nil {
		return "", "", err
	}
	if _, ok := m.Segment("MSA"); !ok {
		return "", "", fmt.Errorf("hl7: no MSA segment in the acknowledgement")
	}
	return m.Get("MSA", 1, 0), m.Get("MSA", 2, 0), nil
}
