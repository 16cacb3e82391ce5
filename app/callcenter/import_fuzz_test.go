package callcenter

import (
	"strings"
	"testing"
)

// FuzzReadCallFile feeds arbitrary files and mappings to the call-file reader: it must
// never panic, and whatever it accepts has only our fields, with line numbers past
// the header.
func FuzzReadCallFile(f *testing.F) {
	f.Add("started_at,call_type,agent_email\n2026-03-01 08:00,inquiry,a@h.sa\n", "")
	f.Add("\ufeffStart,Type,Agent\n\"x\ny\",complaint,b@h.sa\n,,\n", "started_at=Start;call_type=Type;agent_email=Agent")
	f.Add("a;b;c\n1;2;3\n", "notes=a")
	f.Add("started_at,call_type,agent_email\n\"unterminated\n", "")
	f.Fuzz(func(t *testing.T, file, mapping string) {
		m := map[string]string{}
		for _, pair := range strings.Split(mapping, ";") {
			if k, v, ok := strings.Cut(pair, "="); ok {
				m[k] = v
			}
		}
		_, lines, err := readCallFile(strings.NewReader(file), m)
		if err != nil {
			return
		}
		for _, l := range lines {
			if l.line < 2 {
				t.Fatalf("line %d", l.line)
			}
			for k := range l.fields {
				found := false
				for _, c := range CallColumns {
					found = found || c == k
				}
				if !found {
					t.Fatalf("field %q", k)
				}
			}
		}
	})
}
