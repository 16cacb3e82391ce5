package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"px360/app"
	"px360/app/appliance"
	"px360/store"
)

func runCLI(t *testing.T, stdin string, args ...string) (string, string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(context.Background(), args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), errOut.String(), err
}

func TestCLIRefusesBadUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"serve", "--no-such-flag"},
		{"serve", "--backup-at", "25:99"},
		{"serve", "extra-argument"},
		{"user"},
		{"user", "create", "--data", dir, "--email", "a@b.c", "--name", "A", "--role", "king", "--password-stdin"},
		{"user", "create", "--data", dir, "--email", "a@b.c", "--name", "A", "--role", "viewer"},
		{"backup", "--data", dir},
		{"restore", "--data", dir},
		{"audit"},
	} {
		_, _, err := runCLI(t, "", args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("px360 %v: err = %v, want a usage error (exit 2)", args, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, store.DBFile)); err == nil {
		t.Error("a refused command created a database")
	}
	out, _, err := runCLI(t, "", "version")
	if err != nil || !strings.HasPrefix(out, "px360 ") {
		t.Fatalf("version: %q %v", out, err)
	}
}

func TestCLIUsers(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "short\n", "user", "create", "--data", dir, "--email", "it@hospital.sa", "--name", "IT", "--role", "px-admin", "--password-stdin"); err == nil ||
		!strings.Contains(err.Error(), "password") {
		t.Fatalf("short password accepted: %v", err)
	}
	out, _, err := runCLI(t, "a long enough password\n", "user", "create", "--data", dir, "--email", "IT@hospital.sa", "--name", "IT Admin", "--role", "px-admin", "--password-stdin")
	if err != nil || !strings.Contains(out, "created user it@hospital.sa") {
		t.Fatalf("create: %q %v", out, err)
	}
	if _, _, err := runCLI(t, "x\n", "user", "create", "--data", dir, "--email", "x@h.sa", "--name", "X", "--role", "staff", "--hospital", "NOPE", "--password-stdin"); err == nil {
		t.Fatal("unknown hospital accepted")
	}
	if _, _, err := runCLI(t, "another good password\n", "user", "set-password", "--data", dir, "--email", "it@hospital.sa", "--password-stdin"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCLI(t, "", "user", "disable", "--data", dir, "--email", "nobody@hospital.sa"); err == nil {
		t.Fatal("disabling an unknown user succeeded")
	}
	out, _, err = runCLI(t, "", "user", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "it@hospital.sa") || !strings.Contains(out, "px-admin") {
		t.Fatalf("list: %q %v", out, err)
	}
}

// treeHash fingerprints every file under dir (path, mode and content).
func treeHash(t *testing.T, dir string) string {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fmt.Fprintf(h, "%s|%v|", rel, d.IsDir())
		if !d.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h.Write(b)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil))
}

// serveData starts a real server on DATA and returns its address and a stop function.
func serveData(t *testing.T, dir string, demo bool) (*appliance.App, string, func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	a, err := appliance.Open(ctx, appliance.Config{DataDir: dir, Version: "test", BackupAt: "off"})
	if err != nil {
		t.Fatal(err)
	}
	if demo {
		if err := a.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.ServeListener(ctx, ln, nil) }()
	var once sync.Once
	stop := func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve: %v", err)
			}
			a.Close()
		})
	}
	t.Cleanup(stop)
	return a, ln.Addr().String(), stop
}

func emails(t *testing.T, st *store.Store) []string {
	t.Helper()
	p, err := st.ListUsers(context.Background(), store.UserQuery{ListQuery: app.ListQuery{Scope: app.Scope{All: true}, Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, u := range p.Items {
		out = append(out, u.Email)
	}
	slices.Sort(out)
	return out
}

func countPatients(t *testing.T, st *store.Store) int {
	var n int
	if err := st.R.QueryRow(`select count(*) from patients`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestBackupUnderWriteLoadThenRestore(t *testing.T) {
	ctx := context.Background()
	src := t.TempDir()
	a, _, stop := serveData(t, src, true)
	hA, _ := a.Store.HospitalByCode(ctx, app.Scope{All: true}, "RCH")

	// A write load: patients are created continuously while the backup runs.
	var written atomic.Int64
	loadCtx, stopLoad := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for i := 0; loadCtx.Err() == nil; i++ {
			_, err := a.Orgs.SavePatient(ctx, app.System, app.Patient{HospitalID: hA.ID, MRN: fmt.Sprintf("LOAD-%d", i),
				NameEN: "Load Patient", NationalID: fmt.Sprintf("2%09d", i), Language: "en"})
			if err != nil {
				t.Errorf("write load: %v", err)
				return
			}
			written.Add(1)
		}
	}()
	for written.Load() < 20 {
		time.Sleep(5 * time.Millisecond)
	}
	before := countPatients(t, a.Store)
	archive := filepath.Join(t.TempDir(), "backup.tar.gz")
	out, _, err := runCLI(t, "", "backup", "--data", src, "--out", archive)
	if err != nil || !strings.Contains(out, "verified") {
		t.Fatalf("backup: %q %v", out, err)
	}
	for w := written.Load(); written.Load() < w+20; {
		time.Sleep(5 * time.Millisecond) // writes went on during and after the backup
	}
	stopLoad()
	wg.Wait()
	after := countPatients(t, a.Store)
	wantEmails := emails(t, a.Store)

	// Restoring over a running server's DATA is refused and changes nothing.
	if _, _, err := runCLI(t, "", "restore", "--data", src, "--in", archive); err == nil || !strings.Contains(err.Error(), "running") {
		t.Fatalf("restore over a running server: %v", err)
	}
	stop()

	// Restore into an empty DATA: same users, a consistent set of records.
	dst := filepath.Join(t.TempDir(), "restored")
	out, _, err = runCLI(t, "", "restore", "--data", dst, "--in", archive)
	if err != nil || !strings.Contains(out, "search index rebuilt") {
		t.Fatalf("restore: %q %v", out, err)
	}
	b, addr, _ := serveData(t, dst, false)
	if got := emails(t, b.Store); !slices.Equal(got, wantEmails) {
		t.Fatalf("restored users %v, want %v", got, wantEmails)
	}
	n := countPatients(t, b.Store)
	if n < before || n > after {
		t.Fatalf("restored %d patients; the backup started at %d and the load ended at %d", n, before, after)
	}
	if _, err := b.Store.VerifyAudit(ctx); err != nil {
		t.Fatalf("restored audit chain: %v", err)
	}
	if err := b.Store.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	res, err := http.Get("http://" + addr + "/healthz")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("restored server health: %v %v", res, err)
	}
	res.Body.Close()
	// The restored keys decrypt the restored national IDs.
	p, err := b.Orgs.ListPatients(ctx, app.System, app.ListQuery{Search: "LOAD-0"})
	if err != nil || len(p.Items) != 1 {
		t.Fatalf("find LOAD-0: %v %v", p.Items, err)
	}
	full, err := b.Orgs.Patient(ctx, app.System, p.Items[0].ID)
	if err != nil || full.NationalID != "2000000000" {
		t.Fatalf("decrypt restored national ID: %q %v", full.NationalID, err)
	}
}

func TestRestoreRefusesDamagedArchives(t *testing.T) {
	src := t.TempDir()
	_, _, stop := serveData(t, src, true)
	archive := filepath.Join(t.TempDir(), "good.tar.gz")
	if _, _, err := runCLI(t, "", "backup", "--data", src, "--out", archive); err != nil {
		t.Fatal(err)
	}
	stop()
	good, _ := os.ReadFile(archive)
	flipped := slices.Clone(good)
	flipped[len(flipped)/2] ^= 0xff
	foreign := func() []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		tw.WriteHeader(&tar.Header{Name: "px360.db", Mode: 0o600, Size: 5})
		tw.Write([]byte("hello"))
		tw.Close()
		zw.Close()
		return buf.Bytes()
	}()
	target := t.TempDir() // an existing DATA with data in it
	_, _, stopT := serveData(t, target, true)
	stopT()
	fingerprint := treeHash(t, target)
	for name, content := range map[string][]byte{
		"truncated": good[:len(good)/2],
		"altered":   flipped,
		"foreign":   foreign,
		"not gzip":  []byte("just some text"),
	} {
		t.Run(name, func(t *testing.T) {
			in := filepath.Join(t.TempDir(), "bad.tar.gz")
			os.WriteFile(in, content, 0o600)
			_, _, err := runCLI(t, "", "restore", "--data", target, "--in", in)
			if err == nil || !strings.Contains(err.Error(), "was not changed") {
				t.Fatalf("restore of a %s archive: %v", name, err)
			}
			if treeHash(t, target) != fingerprint {
				t.Fatal("DATA changed after a refused restore")
			}
			entries, _ := os.ReadDir(filepath.Dir(target))
			for _, e := range entries {
				if strings.Contains(e.Name(), "restore-staging") || strings.Contains(e.Name(), "before-restore") {
					t.Fatalf("left behind %s", e.Name())
				}
			}
		})
	}
}

func TestAuditVerifyCommand(t *testing.T) {
	dir := t.TempDir()
	_, _, stop := serveData(t, dir, true)
	stop()
	out, _, err := runCLI(t, "", "audit", "verify", "--data", dir)
	if err != nil || !strings.Contains(out, "hash chain intact") {
		t.Fatalf("clean: %q %v", out, err)
	}
	// Someone edits one row directly in the database file.
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dir, store.DBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`drop trigger audit_log_no_update`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`update audit_log set ip = '10.9.9.9' where id = 7`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, _, err = runCLI(t, "", "audit", "verify", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), "audit row 7") {
		t.Fatalf("after an edit: %v, want a failure naming row 7", err)
	}
}

// TestNoPlaintextNationalIDUnderData writes national IDs through the service and a CSV
// import, lets the outbox index them, then searches every file under DATA (database,
// WAL, index, keys, backups — decompressed) for the digits.
func TestNoPlaintextNationalIDUnderData(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	a, _, stop := serveData(t, dir, true)
	h, _ := a.Store.HospitalByCode(ctx, app.Scope{All: true}, "RCH")
	ids := []string{"1234567890", "2987654321"}
	if _, err := a.Orgs.SavePatient(ctx, app.System, app.Patient{HospitalID: h.ID, MRN: "NID-1", NameEN: "Secret One", NationalID: ids[0]}); err != nil {
		t.Fatal(err)
	}
	csv := "hospital_code,mrn,name_en,national_id\nRCH,NID-2,Secret Two," + ids[1] + "\n"
	if res, err := a.Orgs.ImportPatients(ctx, app.System, strings.NewReader(csv)); err != nil || res.Created != 1 {
		t.Fatalf("import: %+v %v", res, err)
	}
	for {
		n, err := a.Outbox.Dispatch(ctx, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	if _, _, err := runCLI(t, "", "backup", "--data", dir, "--out", filepath.Join(dir, "backups", "b.tar.gz")); err != nil {
		t.Fatal(err)
	}
	// Demo patients have national IDs too.
	ids = append(ids, "1102030400")
	check := func(name string, b []byte) {
		for _, id := range ids {
			if bytes.Contains(b, []byte(id)) {
				t.Errorf("national ID %s found in plaintext in %s", id, name)
			}
		}
	}
	scan := func() {
		filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			check(p, b)
			if strings.HasSuffix(p, ".tar.gz") {
				if zr, err := gzip.NewReader(bytes.NewReader(b)); err == nil {
					plain, _ := io.ReadAll(zr)
					check(p+" (decompressed)", plain)
				}
			}
			return nil
		})
	}
	scan() // while running: WAL and index files are live
	stop()
	scan() // after a clean shutdown
}

func TestServiceCommandsReachTheServiceManager(t *testing.T) {
	// This machine may have no service manager, so the answer may be an error from it;
	// what must not happen is a failure before the service manager is asked.
	_, _, err := runCLI(t, "", "status", "--data", t.TempDir())
	if err != nil && strings.Contains(err.Error(), "no run function") {
		t.Fatalf("status: %v", err)
	}
	if _, _, err := runCLI(t, "", "install", "--bogus"); !errors.Is(err, errUsage) {
		t.Fatalf("install --bogus: %v, want usage", err)
	}
}

func TestHL7ParseCommand(t *testing.T) {
	a01 := filepath.Join("app", "hl7", "testdata", "adt_a01_inpatient.hl7")
	out, _, err := runCLI(t, "", "hl7", "parse", a01)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"accepted":true,"error":"","event":"A01","control_id":"HHRUH25031408351201","mrn":"100245871","visit":"V25031400087","patient_class":"I","admit":"202503140820","discharge":"","phone":"+966501234567","national_id_present":true}`
	if strings.TrimSpace(out) != want {
		t.Fatalf("got  %s\nwant %s", out, want)
	}
	raw, _ := os.ReadFile(a01)
	var framed bytes.Buffer
	for _, m := range [][]byte{raw, []byte("garbage")} {
		framed.WriteByte(0x0b)
		framed.Write(m)
		framed.Write([]byte{0x1c, 0x0d})
	}
	out, _, err = runCLI(t, framed.String(), "hl7", "parse")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err == nil || len(lines) != 2 || !strings.Contains(lines[1], `"accepted":false`) || !strings.Contains(lines[1], "MSH") {
		t.Fatalf("stdin, MLLP-framed, one bad: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "", "hl7", "explode"); !errors.Is(err, errUsage) {
		t.Fatalf("bad subcommand: %v", err)
	}
}

func TestIntegrationCommands(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "", "demo", "--data", dir); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "", "integration", "create", "--data", dir, "--name", "MEDORA", "--kind", "hl7", "--hospital", "RCH",
		"--listen", "127.0.0.1:2575")
	if err != nil || !strings.Contains(out, "API key (shown once") || !strings.Contains(out, "px360_") {
		t.Fatalf("create: %v\n%s", err, out)
	}
	key := strings.TrimSpace(out[strings.Index(out, "px360_"):])
	key = strings.Fields(key)[0]
	if _, _, err := runCLI(t, "", "integration", "create", "--data", dir, "--name", "MEDORA", "--kind", "hl7"); err == nil ||
		!strings.Contains(err.Error(), "name") {
		t.Fatalf("a taken name: %v", err)
	}
	if _, _, err := runCLI(t, "", "integration", "create", "--data", dir, "--name", "X", "--kind", "fax"); !errors.Is(err, errUsage) {
		t.Fatalf("bad kind: %v", err)
	}
	out, _, err = runCLI(t, "", "integration", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "MEDORA") || !strings.Contains(out, "127.0.0.1:2575") || strings.Contains(out, key) {
		t.Fatalf("list (never the key): %v\n%s", err, out)
	}
}

// TestBenchQuick runs `px360 bench --quick` on a fresh data directory, as the issue asks:
// every scenario prints its line and the run ends with "bench: done".
func TestBenchQuick(t *testing.T) {
	if testing.Short() {
		t.Skip("runs every scenario for 3 s")
	}
	out, errOut, err := runCLI(t, "", "bench", "--quick", "--data", t.TempDir())
	if err != nil {
		t.Fatalf("%v\n%s\n%s", err, out, errOut)
	}
	for _, name := range []string{"baseline", "healthz", "complaint_list", "complaint_view", "complaint_create", "search",
		"survey_page", "survey_submit", "hl7_mllp", "events_batch"} {
		if !strings.Contains(out, "scenario="+name+" rps=") {
			t.Errorf("no line for %s:\n%s", name, out)
		}
	}
	if !strings.Contains(out, "memory: peak_rss_mb=") || !strings.HasSuffix(strings.TrimSpace(out), "bench: done") {
		t.Errorf("output:\n%s", out)
	}
	t.Log(out)
	if _, _, err := runCLI(t, "", "bench", "--only", "nosuch"); !errors.Is(err, errUsage) {
		t.Fatalf("unknown scenario: %v", err)
	}
}
