package providertest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
)

// Mail is a received message decoded to UTF-8 strings for assertions.
type Mail struct {
	Header      mail.Header
	From        string // decoded From header, e.g. `"مستشفى" <noreply@h.example>` becomes `مستشفى <noreply@h.example>`
	FromAddress string // the bare From address
	FromName    string // the decoded display name
	To          string // decoded To header
	Subject     string // decoded Subject
	MessageID   string // Message-ID header as sent, with angle brackets
	ContentType string // media type of the text part, e.g. "text/plain"
	Charset     string // charset parameter of the text part, lower case
	Body        string // the text part decoded per Content-Transfer-Encoding, CRLF turned into LF
}

// Parse decodes the raw message with net/mail, mime.WordDecoder and the
// quoted-printable or base64 transfer encoding.
func (m SMTPMessage) Parse() (*Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Data))
	if err != nil {
		return nil, fmt.Errorf("read message: %w", err)
	}
	dec := new(mime.WordDecoder)
	out := &Mail{Header: msg.Header, MessageID: msg.Header.Get("Message-ID")}
	if out.Subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return nil, fmt.Errorf("subject: %w", err)
	}
	if out.From, err = dec.DecodeHeader(msg.Header.Get("From")); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if addr, err := mail.ParseAddress(msg.Header.Get("From")); err == nil {
		out.FromAddress, out.FromName = addr.Address, addr.Name
	}
	if out.To, err = dec.DecodeHeader(msg.Header.Get("To")); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	ctype, body, err := textPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	if err != nil {
		return nil, err
	}
	out.ContentType = ctype.media
	out.Charset = strings.ToLower(ctype.params["charset"])
	out.Body = strings.ReplaceAll(string(body), "\r\n", "\n")
	return out, nil
}

type contentType struct {
	media  string
	params map[string]string
}

// textPart returns the first text/plain part (or the whole body when not multipart).
func textPart(ctypeHeader, cte string, r io.Reader) (contentType, []byte, error) {
	if ctypeHeader == "" {
		ctypeHeader = "text/plain; charset=us-ascii"
	}
	media, params, err := mime.ParseMediaType(ctypeHeader)
	if err != nil {
		return contentType{}, nil, fmt.Errorf("content-type: %w", err)
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(r, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return contentType{}, nil, fmt.Errorf("no text/plain part: %w", err)
			}
			pt := p.Header.Get("Content-Type")
			if pt == "" || strings.HasPrefix(strings.ToLower(pt), "text/plain") || strings.HasPrefix(strings.ToLower(pt), "multipart/") {
				return textPart(pt, p.Header.Get("Content-Transfer-Encoding"), p)
			}
		}
	}
	var body io.Reader = r
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(r)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, r)
	}
	data, err := io.ReadAll(body)
	if err != nil {
		return contentType{}, nil, fmt.Errorf("decode body: %w", err)
	}
	return contentType{media: media, params: params}, data, nil
}
