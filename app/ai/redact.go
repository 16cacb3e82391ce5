package ai

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Personal data in comments: Saudi phone numbers, medical record numbers,
// national ID/iqama numbers and e-mail addresses. Detection is a hand-written
// scan (no regular expressions) shared by Redact and Analyze.

// Entity types for personal data.
const (
	EntityPhone      = "phone"
	EntityMRN        = "mrn"
	EntityNationalID = "national_id"
	EntityEmail      = "email"
)

// placeholder is what Redact writes instead of a piece of personal data.
func placeholder(typ string) string {
	switch typ {
	case EntityPhone:
		return "[PHONE]"
	case EntityMRN:
		return "[MRN]"
	case EntityNationalID:
		return "[ID]"
	case EntityEmail:
		return "[EMAIL]"
	}
	return ""
}

// piiSpan is one piece of personal data, by byte offsets.
type piiSpan struct {
	typ        string
	start, end int
}

// Redact replaces phone numbers (05…, +966…, 00966…, 9665…, landlines and
// 800/9200 service numbers), MRNs ("MRN 123456", "رقم الملف 123456"), Saudi
// national ID/iqama numbers (10 digits starting with 1 or 2) and e-mail
// addresses with [PHONE], [MRN], [ID] and [EMAIL]. Other numbers ("3 hours",
// "room 312") are kept. Arabic-Indic digits are recognised too.
func Redact(text string) string {
	spans := findPII(text, tokenize(text))
	if len(spans) == 0 {
		return text
	}
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	for _, s := range spans {
		b.WriteString(text[last:s.start])
		b.WriteString(placeholder(s.typ))
		last = s.end
	}
	b.WriteString(text[last:])
	return b.String()
}

// findPII returns non-overlapping personal-data spans in order.
func findPII(text string, toks []token) []piiSpan {
	var spans []piiSpan
	spans = findMRNs(toks, spans)
	if strings.IndexByte(text, '@') >= 0 {
		spans = findEmails(text, spans)
	}
	spans = findPhonesAndIDs(text, spans)
	if len(spans) < 2 {
		return spans
	}
	sort.SliceStable(spans, func(i, j int) bool {
		if spans[i].start != spans[j].start {
			return spans[i].start < spans[j].start
		}
		return spans[i].end > spans[j].end
	})
	out := spans[:0]
	end := -1
	for _, s := range spans {
		if s.start < end {
			continue
		}
		out = append(out, s)
		end = s.end
	}
	return out
}

// mrnKeywords are normalised word sequences that introduce a record number.
func mrnKeywords() [][]string {
	return [][]string{
		{"mrn"}, {"medical", "record", "number"}, {"medical", "record", "no"}, {"medical", "record"},
		{"file", "number"}, {"file", "no"}, {"record", "number"}, {"patient", "id"}, {"patient", "number"},
		{"hospital", "number"}, {"mr", "no"},
		{"رقم", "الملف", "الطبي"}, {"رقم", "ملفي", "الطبي"}, {"رقم", "الملف"}, {"رقم", "ملفي"}, {"رقم", "ملف"},
		{"ملف", "رقم"}, {"ملفي", "رقم"}, {"الرقم", "الطبي"}, {"رقم", "السجل", "الطبي"}, {"السجل", "الطبي"},
		{"رقمي", "الطبي"}, {"رقم", "المريض"}, {"ملفي"},
	}
}

// mrnFiller may stand between the keyword and the number ("MRN is 123456").
func mrnFiller(w string) bool {
	switch w {
	case "is", "no", "number", "num", "هو", "رقم", "رقمه", "رقمي":
		return true
	}
	return false
}

func findMRNs(toks []token, spans []piiSpan) []piiSpan {
	keys := mrnKeywords()
	for i := 0; i < len(toks); i++ {
		if toks[i].kind != tokWord {
			continue
		}
		for _, kw := range keys {
			j, k := i, 0
			for ; k < len(kw) && j < len(toks); k, j = k+1, j+1 {
				if toks[j].kind != tokWord || !mrnWordIs(toks[j].norm, kw[k]) {
					break
				}
			}
			if k < len(kw) {
				continue
			}
			for j < len(toks) && (toks[j].kind == tokPunct && !toks[j].sentenceEnd() || toks[j].kind == tokWord && mrnFiller(toks[j].norm)) {
				j++
			}
			if j < len(toks) && toks[j].kind == tokNumber && len(toks[j].norm) >= 4 && len(toks[j].norm) <= 15 &&
				!strings.ContainsRune(toks[j].norm, '.') {
				spans = append(spans, piiSpan{EntityMRN, toks[i].start, toks[j].end})
				i = j
			}
			break
		}
	}
	return spans
}

func mrnWordIs(norm, kw string) bool {
	return norm == kw || strings.TrimPrefix(norm, "و") == kw
}

func isEmailLocal(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._%+-", c) >= 0
}

func isEmailDomain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
}

func findEmails(text string, spans []piiSpan) []piiSpan {
	for at := strings.IndexByte(text, '@'); at >= 0; {
		s := at
		for s > 0 && isEmailLocal(text[s-1]) {
			s--
		}
		for s < at && text[s] == '.' {
			s++
		}
		e := at + 1
		for e < len(text) && isEmailDomain(text[e]) {
			e++
		}
		for e > at+1 && (text[e-1] == '.' || text[e-1] == '-') {
			e--
		}
		domain := text[at+1 : e]
		dot := strings.LastIndexByte(domain, '.')
		if s < at && dot > 0 && len(domain)-dot-1 >= 2 && isAllLetters(domain[dot+1:]) {
			spans = append(spans, piiSpan{EntityEmail, s, e})
		}
		next := strings.IndexByte(text[at+1:], '@')
		if next < 0 {
			break
		}
		at += 1 + next
	}
	return spans
}

func isAllLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if !(s[i] >= 'a' && s[i] <= 'z' || s[i] >= 'A' && s[i] <= 'Z') {
			return false
		}
	}
	return true
}

// findPhonesAndIDs scans digit groups (digits joined by single spaces, dashes
// or dots, optionally after "+") and takes the longest prefix of groups that
// forms a Saudi phone number; a lone 10-digit group starting with 1 or 2 is a
// national ID or iqama number.
func findPhonesAndIDs(text string, spans []piiSpan) []piiSpan {
	type group struct{ end, n int }
	var digits []byte
	var groups []group
	i := 0
	for i < len(text) {
		r, size := utf8.DecodeRuneInString(text[i:])
		start := i
		plus := false
		if r == '+' {
			r2, s2 := utf8.DecodeRuneInString(text[i+size:])
			if !isDigit(r2) {
				i += size
				continue
			}
			plus = true
			i += size
			r, size = r2, s2
		}
		if !isDigit(r) {
			i += size
			continue
		}
		if start > 0 {
			if p, _ := utf8.DecodeLastRuneInString(text[:start]); isDigit(p) {
				for i < len(text) {
					r, size = utf8.DecodeRuneInString(text[i:])
					if !isDigit(r) {
						break
					}
					i += size
				}
				continue
			}
		}
		digits, groups = digits[:0], groups[:0]
		j := i
		for {
			for j < len(text) {
				r, s := utf8.DecodeRuneInString(text[j:])
				if !isDigit(r) {
					break
				}
				digits = append(digits, asciiDigit(r))
				j += s
			}
			groups = append(groups, group{j, len(digits)})
			if len(digits) > 15 || j >= len(text) {
				break
			}
			r, s := utf8.DecodeRuneInString(text[j:])
			if r != ' ' && r != '-' && r != '.' {
				break
			}
			if r2, _ := utf8.DecodeRuneInString(text[j+s:]); !isDigit(r2) {
				break
			}
			j += s
		}
		matched := false
		for g := len(groups) - 1; g >= 0; g-- {
			if isSaudiPhone(string(digits[:groups[g].n]), plus) {
				spans = append(spans, piiSpan{EntityPhone, start, groups[g].end})
				i = groups[g].end
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		first := groups[0]
		if !plus && first.n == 10 && (digits[0] == '1' || digits[0] == '2') && !letterAt(text, first.end) {
			spans = append(spans, piiSpan{EntityNationalID, start, first.end})
		}
		i = first.end
	}
	return spans
}

func letterAt(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	return unicode.IsLetter(r)
}

// isSaudiPhone reports whether a digit string (and a leading "+") is a Saudi
// mobile, landline or service number.
func isSaudiPhone(d string, plus bool) bool {
	national := func(rest string) bool {
		rest = strings.TrimPrefix(rest, "0")
		return len(rest) == 9 && rest[0] >= '1' && rest[0] <= '7'
	}
	switch {
	case plus:
		return strings.HasPrefix(d, "966") && national(d[3:])
	case strings.HasPrefix(d, "00966"):
		return national(d[5:])
	case strings.HasPrefix(d, "966"):
		return len(d) == 12 && national(d[3:])
	case strings.HasPrefix(d, "05"), strings.HasPrefix(d, "01"):
		return len(d) == 10 && d[2] >= '0' && d[2] <= '9' && (d[1] == '5' || d[2] >= '1' && d[2] <= '7')
	case strings.HasPrefix(d, "800"):
		return len(d) == 10
	case strings.HasPrefix(d, "9200"):
		return len(d) == 9
	}
	return false
}
