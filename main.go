// Command px360 is the PX360 patient-experience appliance: one executable that serves
// the web application, installs itself as a service, and backs up and restores its data.
// This file only parses the command line and wires the packages together; see
// app/appliance for how a running server is assembled.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"
	_ "time/tzdata" // hospitals' time zones work on servers without a zone database (Windows)

	"github.com/kardianos/service"

	"px360/app"
	"px360/app/accounts"
	"px360/app/ai"
	"px360/app/analysis"
	"px360/app/appliance"
	"px360/app/backups"
	"px360/app/bench"
	"px360/app/demo"
	"px360/app/his"
	"px360/app/hl7"
	"px360/app/vault"
	"px360/install"
	"px360/store"
)

// version is set at build time with -ldflags "-X main.version=1.2.3".
var version = "dev"

const usage = `PX360 — patient experience management

Usage:
  px360 serve [--data DIR] [--addr HOST:PORT] [--demo] [--backup-at HH:MM|off] [--backup-keep N]
  px360 user create --email E --name N --role ROLE [--hospital CODE] --password-stdin
  px360 user list | user set-password --email E --password-stdin | user disable --email E
  px360 backup [--data DIR] --out FILE
  px360 restore [--data DIR] --in FILE
  px360 install | uninstall | start | stop | status [--data DIR] [--addr HOST:PORT]
  px360 migrate | reindex [--data DIR]
  px360 demo [--data DIR] [--complaints N]
  px360 audit verify [--data DIR]
  px360 hl7 parse [FILE]        (stdin when no file; one JSON line per message)
  px360 integration create [--data DIR] --name N --kind hl7|json [--hospital CODE] [--listen HOST:PORT]
  px360 integration list [--data DIR]
  px360 analyze [--reprocess --data DIR]   (stdin lines "id<TAB>text" or text → one JSON line each)
  px360 bench [--data DIR] [--duration 30s] [--clients 16] [--quick] [--complaints N] [--responses N] [--only a,b] [--cpuprofile F]
  px360 version

Environment: PX360_DATA and PX360_ADDR set the defaults of --data and --addr.
Roles: px-admin, hospital-admin, department-manager, staff, viewer.
`

// errUsage marks command-line mistakes: usage on stderr, exit status 2.
var errUsage = errors.New("usage")

func main() {
	err := run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	switch {
	case err == nil:
	case errors.Is(err, errUsage):
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	default:
		fmt.Fprintln(os.Stderr, "px360:", err)
		os.Exit(1)
	}
}

func appVersion() string {
	if version != "dev" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				return "dev-" + s.Value[:12]
			}
		}
	}
	return version
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// flags is a subcommand's flag set with the shared --data and --addr options.
type flags struct {
	*flag.FlagSet
	data, addr *string
}

func newFlags(name string, stderr io.Writer, dataDefault string) flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {}
	return flags{FlagSet: fs,
		data: fs.String("data", envOr("PX360_DATA", dataDefault), "data directory"),
		addr: fs.String("addr", envOr("PX360_ADDR", ":8080"), "listen address")}
}

// parse parses args and refuses stray positional arguments.
func (f flags) parse(args []string) error {
	if err := f.Parse(args); err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	if f.NArg() > 0 {
		fmt.Fprintf(f.Output(), "px360 %s: unexpected argument %q\n", f.Name(), f.Arg(0))
		return errUsage
	}
	return nil
}

func newLogger(w io.Writer) *slog.Logger { return slog.New(slog.NewTextHandler(w, nil)) }

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return cmdServe(ctx, rest, stdout, stderr)
	case "user":
		return cmdUser(ctx, rest, stdin, stdout, stderr)
	case "backup":
		return cmdBackup(ctx, rest, stdout, stderr)
	case "restore":
		return cmdRestore(ctx, rest, stdout, stderr)
	case "install", "uninstall", "start", "stop", "status":
		return cmdService(cmd, rest, stdout, stderr)
	case "migrate", "reindex", "demo":
		return cmdMaintain(ctx, cmd, rest, stdout, stderr)
	case "audit":
		return cmdAudit(ctx, rest, stdout, stderr)
	case "hl7":
		return cmdHL7(rest, stdin, stdout, stderr)
	case "integration":
		return cmdIntegration(ctx, rest, stdout, stderr)
	case "bench":
		return cmdBench(ctx, rest, stdout, stderr)
	case "analyze":
		return cmdAnalyze(ctx, rest, stdin, stdout, stderr)
	case "version":
		fmt.Fprintf(stdout, "px360 %s (schema %d)\n", appVersion(), store.LatestSchema())
		return nil
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "px360: unknown command %q\n", cmd)
	return errUsage
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("serve", stderr, "./px360-data")
	demo := f.Bool("demo", false, "load demo data (once) and print the demo logins")
	backupAt := f.String("backup-at", "02:30", "daily backup time HH:MM, or off")
	keep := f.Int("backup-keep", 14, "scheduled backups to keep")
	secure := f.Bool("secure-cookies", false, "mark cookies Secure (when served over HTTPS)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *backupAt != "off" {
		if _, err := time.Parse("15:04", *backupAt); err != nil {
			fmt.Fprintf(stderr, "px360 serve: --backup-at %q: want HH:MM or off\n", *backupAt)
			return errUsage
		}
	}
	if *keep < 1 {
		fmt.Fprintln(stderr, "px360 serve: --backup-keep must be at least 1")
		return errUsage
	}
	cfg := appliance.Config{DataDir: *f.data, Addr: *f.addr, Demo: *demo, Version: appVersion(), BackupAt: *backupAt,
		BackupKeep: *keep, Secure: *secure, Log: newLogger(stderr), Out: stdout}
	serve := func(ctx context.Context) error {
		a, err := appliance.Open(ctx, cfg)
		if err != nil {
			return err
		}
		defer a.Close()
		return a.Serve(ctx, func(addr string) {
			fmt.Fprintf(stdout, "PX360 %s is serving on %s (data: %s). Press Ctrl+C to stop.\n", appVersion(), displayAddr(addr), cfg.DataDir)
		})
	}
	if !service.Interactive() { // started by systemd or the Windows service manager
		svc, err := install.NewService(install.ServiceConfig{DataDir: cfg.DataDir, Addr: cfg.Addr}, serve)
		if err != nil {
			return err
		}
		return svc.Run()
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serve(ctx)
}

func displayAddr(addr string) string {
	if strings.HasPrefix(addr, "[::]:") || strings.HasPrefix(addr, "0.0.0.0:") {
		return "http://localhost:" + addr[strings.LastIndex(addr, ":")+1:]
	}
	return "http://" + addr
}

// openStore opens DATA's database without the directory lock: user administration,
// backups and audit checks run beside a live server (SQLite arbitrates the writes).
func openStore(ctx context.Context, dataDir string, mustExist bool) (*store.Store, error) {
	path := filepath.Join(dataDir, store.DBFile)
	if _, err := os.Stat(path); err != nil {
		if mustExist {
			return nil, fmt.Errorf("no PX360 database at %s (wrong --data?)", path)
		}
		if err := os.MkdirAll(dataDir, 0o700); err != nil {
			return nil, err
		}
	}
	v, err := vault.Open(filepath.Join(dataDir, "keys"))
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, path, store.Options{AuditKey: v.AuditKey()})
}

func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func cmdUser(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return errUsage
	}
	sub, rest := args[0], args[1:]
	f := newFlags("user "+sub, stderr, "./px360-data")
	email := f.String("email", "", "e-mail")
	name := f.String("name", "", "full name")
	role := f.String("role", "", "role")
	hospital := f.String("hospital", "", "hospital code")
	pwStdin := f.Bool("password-stdin", false, "read the password from standard input")
	if err := f.parse(rest); err != nil {
		return err
	}
	need := func(ok bool, msg string) error {
		if !ok {
			fmt.Fprintf(stderr, "px360 user %s: %s\n", sub, msg)
			return errUsage
		}
		return nil
	}
	switch sub {
	case "create":
		if err := errors.Join(need(*email != "", "--email is required"), need(*name != "", "--name is required"),
			need(app.Role(*role).Valid(), "--role must be one of px-admin, hospital-admin, department-manager, staff, viewer"),
			need(*pwStdin, "--password-stdin is required (the password is never a command-line argument)")); err != nil {
			return errUsage
		}
	case "set-password":
		if err := errors.Join(need(*email != "", "--email is required"), need(*pwStdin, "--password-stdin is required")); err != nil {
			return errUsage
		}
	case "disable":
		if err := need(*email != "", "--email is required"); err != nil {
			return err
		}
	case "list":
	default:
		fmt.Fprintf(stderr, "px360: unknown user command %q\n", sub)
		return errUsage
	}
	st, err := openStore(ctx, *f.data, sub != "create")
	if err != nil {
		return err
	}
	defer st.Close()
	acc := accounts.New(st, nil, nil)
	by := app.System
	by.Email = "cli"
	switch sub {
	case "create":
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		in := accounts.UserInput{Email: *email, Name: *name, Role: app.Role(*role), Password: pw, Language: "en", Active: true}
		if *hospital != "" {
			h, err := st.HospitalByCode(ctx, by.Scope, *hospital)
			if err != nil {
				return fmt.Errorf("no hospital with code %q", *hospital)
			}
			in.HospitalIDs = []int64{h.ID}
		}
		u, err := acc.CreateUser(ctx, by, in)
		if err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "created user %s (%s, %s)\n", u.Email, u.Role, u.ID)
	case "set-password", "disable":
		u, err := acc.UserByEmail(ctx, *email)
		if err != nil {
			return fmt.Errorf("no user with e-mail %q", *email)
		}
		if sub == "disable" {
			if err := acc.Disable(ctx, by, u.ID); err != nil {
				return describe(err)
			}
			fmt.Fprintf(stdout, "disabled %s and ended their sessions\n", u.Email)
			return nil
		}
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		if err := acc.SetPassword(ctx, by, u.ID, pw); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "password set for %s; their sessions were ended\n", u.Email)
	case "list":
		hs, err := st.Hospitals(ctx, by.Scope)
		if err != nil {
			return err
		}
		codes := map[int64]string{}
		for _, h := range hs {
			codes[h.ID] = h.Code
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "EMAIL\tNAME\tROLE\tACTIVE\tHOSPITALS")
		q := store.UserQuery{ListQuery: app.ListQuery{Scope: by.Scope, Limit: 500}}
		for {
			p, err := st.ListUsers(ctx, q)
			if err != nil {
				return err
			}
			for _, u := range p.Items {
				var hc []string
				for _, id := range u.HospitalIDs {
					hc = append(hc, codes[id])
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%v\t%s\n", u.Email, u.Name, u.Role, u.Active, strings.Join(hc, ","))
			}
			if p.Next == 0 {
				break
			}
			q.After = p.Next
		}
		return tw.Flush()
	}
	return nil
}

// describe turns a validation error into a line per field for the terminal.
func describe(err error) error {
	fe := app.Fields(err)
	if fe == nil {
		return err
	}
	var parts []string
	for _, k := range fe.Names() {
		parts = append(parts, k+": "+strings.TrimPrefix(fe[k], "err."))
	}
	return fmt.Errorf("invalid input: %s", strings.Join(parts, "; "))
}

func cmdBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("backup", stderr, "./px360-data")
	out := f.String("out", "", "archive to write (.tar.gz)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *out == "" {
		fmt.Fprintln(stderr, "px360 backup: --out is required")
		return errUsage
	}
	st, err := openStore(ctx, *f.data, true)
	if err != nil {
		return err
	}
	defer st.Close()
	by := app.System
	by.Email = "cli"
	m, err := backups.New(st, *f.data, appVersion()).Backup(ctx, by, *out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backup written and verified: %s (%d members, schema %d)\n", *out, len(m.Files), m.SchemaVersion)
	return nil
}

func cmdRestore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("restore", stderr, "./px360-data")
	in := f.String("in", "", "archive to restore")
	if err := f.parse(args); err != nil {
		return err
	}
	if *in == "" {
		fmt.Fprintln(stderr, "px360 restore: --in is required")
		return errUsage
	}
	check := func(ctx context.Context, dbPath string, m install.Manifest) error {
		for _, k := range []string{"keys/field.key", "keys/index.key", "keys/token.key", "keys/audit.key"} {
			if m.Sizes[k] != 32 { // without its keys a backup's national IDs can never be read again
				return fmt.Errorf("the backup lacks the key %s (or it is damaged)", k)
			}
		}
		if m.SchemaVersion > store.LatestSchema() {
			return fmt.Errorf("the backup has schema %d, newer than this px360 (%d): use a newer px360", m.SchemaVersion, store.LatestSchema())
		}
		st, err := store.Open(ctx, dbPath, store.Options{ReadOnly: true})
		if err != nil {
			return fmt.Errorf("the backup's database does not open: %w", err)
		}
		defer st.Close()
		if v, err := st.SchemaVersion(ctx); err != nil || v != m.SchemaVersion {
			return fmt.Errorf("the backup's database has schema %d, its manifest says %d", v, m.SchemaVersion)
		}
		return st.IntegrityCheck(ctx)
	}
	res, err := install.Restore(ctx, *f.data, *in, check, time.Now())
	if err != nil {
		return fmt.Errorf("restore refused, %s was not changed: %w", *f.data, err)
	}
	fmt.Fprintf(stdout, "restored %s into %s (backup of %s, schema %d)\n", *in, *f.data,
		res.Manifest.CreatedAt.Format(time.RFC3339), res.Manifest.SchemaVersion)
	if res.Previous != "" {
		fmt.Fprintf(stdout, "the previous data is kept in %s\n", res.Previous)
	}
	a, err := appliance.Open(ctx, appliance.Config{DataDir: *f.data, Version: appVersion()})
	if err != nil {
		return fmt.Errorf("open restored data: %w", err)
	}
	defer a.Close()
	by := app.System
	by.Email = "cli"
	_ = a.Store.AuditOutside(ctx, by, app.Audit{Action: "system.restore", Entity: "backup", EntityID: filepath.Base(*in)})
	if err := a.Rebuild(ctx); err != nil {
		return fmt.Errorf("rebuild search index: %w (the server rebuilds it at start)", err)
	}
	fmt.Fprintln(stdout, "search index rebuilt")
	return nil
}

func cmdService(action string, args []string, stdout, stderr io.Writer) error {
	f := newFlags(action, stderr, install.DefaultDataDir())
	if err := f.parse(args); err != nil {
		return err
	}
	// Control only talks to the service manager; the service itself runs `px360 serve`.
	notHere := func(context.Context) error { return errors.New("the service runs through `px360 serve`") }
	svc, err := install.NewService(install.ServiceConfig{DataDir: *f.data, Addr: *f.addr}, notHere)
	if err != nil {
		return err
	}
	msg, err := install.Control(svc, action)
	if action == "status" {
		return printStatus(stdout, msg, err, *f.data, *f.addr)
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(stdout, msg)
	return nil
}

// printStatus is `px360 status`: whether the service runs, where its data and log are,
// and, until the first-run setup is done, the one-time setup code. The error is the
// service manager's, returned after everything else was printed.
func printStatus(w io.Writer, state string, serr error, dataDir, addr string) error {
	if serr != nil {
		state = "unknown (" + serr.Error() + ")"
	}
	fmt.Fprintf(w, "service:  %s\n", state)
	if abs, err := filepath.Abs(dataDir); err == nil {
		dataDir = abs
	}
	if _, err := os.Stat(dataDir); err != nil {
		fmt.Fprintf(w, "data:     %s (not created yet)\n", dataDir)
	} else {
		fmt.Fprintf(w, "data:     %s\n", dataDir)
	}
	fmt.Fprintf(w, "log:      %s\n", logLocation())
	url := displayAddr(addr)
	if strings.HasPrefix(addr, ":") {
		url = "http://localhost" + addr
	}
	code, err := appliance.ReadSetupCode(dataDir)
	switch {
	case err != nil:
		fmt.Fprintf(w, "setup:    cannot read the setup code (%v): run this as root or Administrator\n", err)
	case code != "":
		fmt.Fprintf(w, "setup:    not done yet: open %s/setup on this server, or from another machine with the setup code\n", url)
		fmt.Fprintf(w, "setup code: %s\n", code)
	}
	return serr
}

// logLocation says where the service's log goes on this system.
func logLocation() string {
	switch runtime.GOOS {
	case "linux":
		return "journalctl -u px360 (the systemd journal)"
	case "windows":
		return "Event Viewer, Windows Logs, Application, source px360 (service errors)"
	}
	return "the system log"
}

func cmdMaintain(ctx context.Context, cmd string, args []string, stdout, stderr io.Writer) error {
	f := newFlags(cmd, stderr, "./px360-data")
	scale := 0
	if cmd == "demo" {
		f.IntVar(&scale, "complaints", 0, "add N generated complaints over 20 hospitals and four years (scale data)")
	}
	if err := f.parse(args); err != nil {
		return err
	}
	if scale < 0 || scale > 50_000_000 {
		fmt.Fprintln(stderr, "px360 demo: --complaints must be between 0 and 50000000")
		return errUsage
	}
	a, err := appliance.Open(ctx, appliance.Config{DataDir: *f.data, Version: appVersion(), Out: stdout})
	if err != nil {
		return err
	}
	defer a.Close()
	switch cmd {
	case "migrate":
		v, err := a.Store.SchemaVersion(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "database is at schema %d\n", v)
	case "reindex":
		start := time.Now()
		if err := a.Rebuild(ctx); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "search index rebuilt in %s\n", time.Since(start).Round(time.Millisecond))
	case "demo":
		if err := a.LoadDemo(ctx); err != nil {
			return err
		}
		if scale == 0 {
			return a.LoadDemoComplaints(ctx, 300)
		}
		start := time.Now()
		err := demo.LoadScaleComplaints(ctx, a.Store, a.Orgs, scale, time.Now(), func(done int) {
			if done%100_000 == 0 || done == scale {
				fmt.Fprintf(stdout, "%d complaints written (%.0f/s)\n", done, float64(done)/time.Since(start).Seconds())
			}
		})
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, "rebuilding the search index…")
		return a.Rebuild(ctx)
	}
	return nil
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "verify" {
		return errUsage
	}
	f := newFlags("audit verify", stderr, "./px360-data")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	st, err := openStore(ctx, *f.data, true)
	if err != nil {
		return err
	}
	defer st.Close()
	n, err := st.VerifyAudit(ctx)
	if err != nil {
		return fmt.Errorf("audit log verification FAILED after %d good rows: %w", n, err)
	}
	fmt.Fprintf(stdout, "audit log OK: %d rows, hash chain intact\n", n)
	return nil
}

// cmdHL7 is `px360 hl7 parse [FILE]`: hospital IT checks their feed with it. It exits 1
// when any message was not accepted.
func cmdHL7(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "parse" || len(args) > 2 {
		return errUsage
	}
	var data []byte
	var err error
	if len(args) == 2 {
		data, err = os.ReadFile(args[1])
	} else {
		data, err = io.ReadAll(io.LimitReader(stdin, 64<<20))
	}
	if err != nil {
		return err
	}
	bad, err := hl7.WriteReports(data, stdout, app.E164)
	if err != nil {
		return err
	}
	if bad > 0 {
		return fmt.Errorf("%d message(s) not accepted", bad)
	}
	return nil
}

// cmdIntegration creates and lists HIS integrations. A new integration's API key is
// printed once; only its hash is stored. A new MLLP listener opens when serve (re)starts.
func cmdIntegration(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "create" && args[0] != "list") {
		return errUsage
	}
	sub := args[0]
	f := newFlags("integration "+sub, stderr, "./px360-data")
	name := f.String("name", "", "integration name")
	kind := f.String("kind", "", "hl7 or json")
	hospital := f.String("hospital", "", "hospital code (empty: events name their hospital)")
	listen := f.String("listen", "", "MLLP listen address, e.g. 0.0.0.0:2575 (hl7 only)")
	if err := f.parse(args[1:]); err != nil {
		return err
	}
	if sub == "create" && (*name == "" || (*kind != "hl7" && *kind != "json")) {
		fmt.Fprintln(stderr, "px360 integration create: --name and --kind hl7|json are required")
		return errUsage
	}
	st, err := openStore(ctx, *f.data, true)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := his.New(st, nil, nil, nil)
	by := app.System
	by.Email = "cli"
	if sub == "list" {
		ins, err := svc.Integrations(ctx, by)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(stdout, 0, 2, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tKIND\tHOSPITAL\tLISTEN\tKEY\tENABLED")
		for _, in := range ins {
			h := "-"
			if in.HospitalID != 0 {
				if x, err := st.HospitalByID(ctx, by.Scope, in.HospitalID); err == nil {
					h = x.Code
				}
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s…\t%v\n", in.ID, in.Name, in.Kind, h, orDash(in.ListenAddr), in.KeyPrefix, in.Enabled)
		}
		return tw.Flush()
	}
	in, key, err := svc.SaveIntegration(ctx, by, 0, his.IntegrationInput{Name: *name, Kind: app.IntegrationKind(*kind),
		HospitalCode: *hospital, ListenAddr: *listen, Enabled: true}, false)
	if err != nil {
		return fmt.Errorf("create integration: %w", describe(err))
	}
	fmt.Fprintf(stdout, "Integration %q created (id %d).\nAPI key (shown once, store it now): %s\n", in.Name, in.ID, key)
	if in.ListenAddr != "" {
		fmt.Fprintf(stdout, "MLLP listener on %s opens when the server (re)starts.\n", in.ListenAddr)
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// cmdBench is `px360 bench`: the product measures itself on this server. Without --data
// it works on a temporary directory. It exits 1 when a scenario had errors.
func cmdBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	f := newFlags("bench", stderr, "")
	duration := f.Duration("duration", 30*time.Second, "time per scenario")
	clients := f.Int("clients", 16, "concurrent clients")
	quick := f.Bool("quick", false, "3 s per scenario on a small data set")
	complaints := f.Int("complaints", 0, "create scale complaints until DATA has this many")
	responses := f.Int("responses", 0, "create survey responses until DATA has this many")
	only := f.String("only", "", "comma-separated scenarios to run (baseline always runs)")
	cpuProfile := f.String("cpuprofile", "", "write a CPU profile of the run to this file (go tool pprof)")
	if err := f.parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *clients <= 0 || *clients > 1024 || *complaints < 0 || *responses < 0 {
		fmt.Fprintln(stderr, "px360 bench: --duration and --clients (1–1024) must be positive, --complaints and --responses not negative")
		return errUsage
	}
	cfg := bench.Config{DataDir: *f.data, Duration: *duration, Clients: *clients, Quick: *quick, Complaints: *complaints,
		Responses: *responses, CPUProfile: *cpuProfile, Out: stdout}
	if *only != "" {
		for _, s := range strings.Split(*only, ",") {
			if !slices.Contains(bench.Scenarios, strings.TrimSpace(s)) {
				fmt.Fprintf(stderr, "px360 bench: unknown scenario %q (known: %s)\n", s, strings.Join(bench.Scenarios, ", "))
				return errUsage
			}
			cfg.Only = append(cfg.Only, strings.TrimSpace(s))
		}
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	ok, err := bench.Run(ctx, cfg)
	if err != nil {
		return err
	}
	if !ok {
		return errors.New("some scenarios had errors")
	}
	return nil
}

// cmdAnalyze analyses comments from standard input, one per line ("id<TAB>text" or just
// the text), and writes one JSON object per line. With --reprocess it re-analyses every
// stored record of DATA instead (after a lexicon change).
func cmdAnalyze(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	f := newFlags("analyze", stderr, "./px360-data")
	reprocess := f.Bool("reprocess", false, "re-analyse every stored record of DATA")
	if err := f.parse(args); err != nil {
		return err
	}
	if *reprocess {
		st, err := openStore(ctx, *f.data, true)
		if err != nil {
			return err
		}
		defer st.Close()
		v, err := vault.Open(filepath.Join(*f.data, "keys"))
		if err != nil {
			return err
		}
		n, err := analysis.New(st, v, nil).Reprocess(ctx, nil)
		fmt.Fprintf(stdout, "re-analysed %d records\n", n)
		return err
	}
	a := ai.New(ai.Org{})
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	sc := bufio.NewScanner(stdin)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		id := strconv.Itoa(line)
		if k, rest, ok := strings.Cut(text, "\t"); ok {
			id, text = k, rest
		}
		if strings.TrimSpace(text) == "" {
			continue
		}
		r := a.Analyze(text)
		if err := enc.Encode(struct {
			ID string `json:"id"`
			ai.Result
		}{id, r}); err != nil {
			return err
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("line %d: %w", line+1, err)
	}
	return nil
}
