// Package appliance assembles a running PX360 from a data directory: it takes the
// directory lock, opens the keys, the database and the search index, builds the
// services and the web server, starts the jobs, and shuts everything down in order.
// main only parses the command line and calls it; tests use it to run the real thing.
package appliance

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"px360/app"
	"px360/app/accounts"
	"px360/app/actions"
	"px360/app/analysis"
	"px360/app/backups"
	"px360/app/callcenter"
	"px360/app/complaints"
	"px360/app/demo"
	"px360/app/feedback"
	"px360/app/files"
	"px360/app/his"
	"px360/app/notify"
	"px360/app/orgs"
	"px360/app/outbox"
	"px360/app/sla"
	"px360/app/surveys"
	"px360/app/taxonomy"
	"px360/app/vault"
	"px360/app/web"
	"px360/assets"
	"px360/install"
	"px360/jobs"
	"px360/search"
	"px360/store"
	"px360/views"
)

// Config is what `px360 serve` needs.
type Config struct {
	DataDir    string
	Addr       string
	Demo       bool
	Version    string
	BackupAt   string // daily backup time "HH:MM" (hospital time); "off" disables
	BackupKeep int
	Secure     bool       // cookies marked Secure (served through HTTPS)
	LoginRate  rate.Limit // sign-in attempts per second per IP (0: the web default)
	LoginBurst int
	Log        *slog.Logger
	Out        io.Writer // where start-up messages (demo logins) go
	// Wrap, when set, wraps the web handler (px360 bench adds its baseline route).
	Wrap func(http.Handler) http.Handler
}

// App is an opened data directory with its services.
type App struct {
	cfg            Config
	unlock         func() error
	Vault          *vault.Vault
	Store          *store.Store
	Index          *search.Index
	ComplaintIndex *search.ComplaintIndex // the complaint search index
	Accounts       *accounts.Service
	Orgs           *orgs.Service
	Complaints     *complaints.Service
	Taxonomy       *taxonomy.Service
	SLA            *sla.Service
	Duplicates     *complaints.Duplicates
	Backups        *backups.Service
	Notify         *notify.Service
	Surveys        *surveys.Service
	HIS            *his.Service
	Actions        *actions.Service
	Feedback       *feedback.Service
	Analysis       *analysis.Service
	CallCenter     *callcenter.Service
	Files          *files.Store
	Outbox         *outbox.Dispatcher
	Web            *web.Server
}

// Open takes DATA's lock and opens everything; the caller must Close.
func Open(ctx context.Context, cfg Config) (*App, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if cfg.Out == nil {
		cfg.Out = io.Discard
	}
	unlock, err := install.LockDataDir(cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a := &App{cfg: cfg, unlock: unlock}
	if err := a.open(ctx); err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

func (a *App) open(ctx context.Context) error {
	dir := a.cfg.DataDir
	for _, sub := range []string{"files", "backups"} {
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o700); err != nil {
			return err
		}
	}
	var err error
	if a.Vault, err = vault.Open(filepath.Join(dir, "keys")); err != nil {
		return err
	}
	if a.Store, err = store.Open(ctx, filepath.Join(dir, store.DBFile), store.Options{AuditKey: a.Vault.AuditKey()}); err != nil {
		return err
	}
	indexDir := filepath.Join(dir, "index")
	if a.Index, err = search.Open(indexDir); err != nil {
		return err
	}
	if a.ComplaintIndex, err = search.OpenComplaints(indexDir); err != nil {
		return err
	}
	a.Accounts = accounts.New(a.Store, a.Vault.TokenKey(), nil)
	a.Orgs = orgs.New(a.Store, a.Vault)
	a.Taxonomy = taxonomy.New(a.Store)
	if err := a.Taxonomy.EnsureDefaults(ctx); err != nil {
		return fmt.Errorf("load the default complaint taxonomy: %w", err)
	}
	a.SLA = sla.New(a.Store)
	a.Complaints = complaints.New(a.Store, a.SLA, taxonomyRules{a.Taxonomy})
	a.Duplicates = complaints.NewDuplicates(a.Complaints, complaintText{a.ComplaintIndex})
	a.Backups = backups.New(a.Store, dir, a.cfg.Version)
	if a.cfg.BackupKeep > 0 {
		a.Backups.Keep = a.cfg.BackupKeep
	}
	a.Notify = notify.New(a.Store, a.Vault, a.cfg.Log)
	if a.cfg.Addr != "" {
		a.Notify.DefaultURL = defaultPublicURL(a.cfg.Addr)
	}
	a.Notify.Translate = func(lang, key string) string { return views.T(lang, key) }
	a.Surveys = surveys.New(a.Store, a.Notify, a.Vault, a.cfg.Log)
	if err := a.Surveys.EnsureDefaults(ctx); err != nil {
		return fmt.Errorf("load the default survey templates: %w", err)
	}
	a.Files = files.New(filepath.Join(dir, "files"))
	a.Actions = actions.New(a.Store, a.SLA, a.Notify, a.Files, a.cfg.Log)
	a.Analysis = analysis.New(a.Store, a.Vault, a.cfg.Log)
	a.Feedback = feedback.New(a.Store, a.Notify, a.SLA, a.Files, a.cfg.Log)
	a.CallCenter = callcenter.New(a.Store, a.Notify, a.cfg.Log)
	a.HIS = his.New(a.Store, a.Orgs, a.Surveys, a.cfg.Log)
	if err := a.HIS.EnsureDefaults(ctx); err != nil {
		return fmt.Errorf("load the default patient journeys: %w", err)
	}
	a.Outbox = outbox.New(a.Store, a.cfg.Log)
	a.subscribe()
	a.Notify.Subscribe(a.Outbox)
	a.Actions.Subscribe(a.Outbox)
	a.Analysis.Subscribe(a.Outbox)
	a.Web = web.New(web.Config{Store: a.Store, Accounts: a.Accounts, Orgs: a.Orgs, Complaints: a.Complaints, Taxonomy: a.Taxonomy, SLA: a.SLA, Duplicates: a.Duplicates, ComplaintSearch: a.ComplaintIndex, Backups: a.Backups, Notify: a.Notify, Surveys: a.Surveys, HIS: a.HIS, Actions: a.Actions, Feedback: a.Feedback, CallCenter: a.CallCenter, Analysis: a.Analysis, Search: a.Index,
		Assets: assets.New(), Log: a.cfg.Log, Version: a.cfg.Version, DataDir: dir, SecureCookies: a.cfg.Secure,
		LoginRate: a.cfg.LoginRate, LoginBurst: a.cfg.LoginBurst})
	return nil
}

// subscribe connects outbox events to the search index.
func (a *App) subscribe() {
	index := func(kind string) outbox.Handler {
		return func(ctx context.Context, e app.Event) error {
			var p struct{ ID int64 }
			if err := json.Unmarshal(e.Payload, &p); err != nil {
				return fmt.Errorf("event payload: %w", err)
			}
			doc, ok, err := a.Store.SearchDoc(ctx, kind, p.ID)
			if err != nil {
				return err
			}
			if !ok {
				return a.Index.Delete(kind, p.ID)
			}
			return a.Index.Put(doc)
		}
	}
	a.Outbox.Subscribe(app.EventStaffSaved, "search", index("staff"))
	a.Outbox.Subscribe(app.EventPatientSaved, "search", index("patient"))
	indexComplaint := func(ctx context.Context, e app.Event) error {
		var p struct{ ID int64 }
		if err := json.Unmarshal(e.Payload, &p); err != nil {
			return fmt.Errorf("event payload: %w", err)
		}
		doc, ok, err := a.Store.ComplaintDoc(ctx, p.ID)
		if err != nil {
			return err
		}
		if !ok {
			return a.ComplaintIndex.Delete(p.ID)
		}
		return a.ComplaintIndex.Put(doc)
	}
	a.Outbox.Subscribe(app.EventResolutionAnswered, "complaints", a.Complaints.OnResolutionAnswered)
	a.Outbox.Subscribe(app.EventComplaintResolved, "surveys", a.Surveys.OnComplaintResolved)
	a.Outbox.Subscribe(app.EventCalendarChanged, "complaints", a.Complaints.OnCalendarChanged)
	a.Outbox.Subscribe(app.EventComplaintCreated, "search", indexComplaint)
	a.Outbox.Subscribe(app.EventComplaintUpdated, "search", indexComplaint)
}

// sweep is the minute job: complaint SLA milestones, overdue explanation requests,
// survey reminders and expiry, the surveys patient journeys scheduled, and the due-soon
// and overdue notices of improvement actions, and observation reminders.
func (a *App) sweep(ctx context.Context, now time.Time) (int, error) {
	n, err := a.Complaints.Sweep(ctx, now)
	m, err2 := a.Complaints.RemindExplanations(ctx, now)
	k, err3 := a.Surveys.Sweep(ctx, now)
	j, err4 := a.HIS.SendDue(ctx, now)
	l, err5 := a.Actions.Sweep(ctx, now)
	o, err6 := a.Feedback.Sweep(ctx, now)
	return n + m + k + j + l + o, errors.Join(err, err2, err3, err4, err5, err6)
}

// Close closes the index and the database and releases the lock.
func (a *App) Close() error {
	var errs []error
	if a.Index != nil {
		errs = append(errs, a.Index.Close())
	}
	if a.ComplaintIndex != nil {
		errs = append(errs, a.ComplaintIndex.Close())
	}
	if a.Store != nil {
		errs = append(errs, a.Store.Close())
	}
	if a.unlock != nil {
		errs = append(errs, a.unlock())
	}
	return errors.Join(errs...)
}

// LoadDemo loads the demo data (once) and prints the logins.
func (a *App) LoadDemo(ctx context.Context) error {
	logins, err := demo.Load(ctx, a.Store, a.Accounts, a.Orgs)
	if err != nil {
		return fmt.Errorf("load demo data: %w", err)
	}
	fmt.Fprintln(a.cfg.Out, "Demo data is loaded. Sign in with any of these (password for all:", demo.Password+"):")
	for _, l := range logins {
		fmt.Fprintf(a.cfg.Out, "  %-28s %s\n", l.Email, l.Role)
	}
	return nil
}

// LoadDemoComplaints adds n demo complaints in every state through the complaint
// service, once per data directory.
func (a *App) LoadDemoComplaints(ctx context.Context, n int) error {
	const marker = "demo_complaints_loaded"
	if done, err := a.Store.Setting(ctx, marker); err != nil || done != "" {
		return err
	}
	if err := demo.LoadComplaints(ctx, a.Store, a.Complaints, n); err != nil {
		return err
	}
	return a.Store.SetSetting(ctx, marker, "1")
}

// Rebuild rebuilds the search indexes from the database.
func (a *App) Rebuild(ctx context.Context) error {
	if err := a.Index.Rebuild(ctx, a.Store); err != nil {
		return err
	}
	return a.ComplaintIndex.Rebuild(ctx, a.Store)
}

// Serve listens on cfg.Addr until ctx is cancelled, then shuts down gracefully:
// in-flight requests finish (up to 30 s), jobs stop, the database closes.
func (a *App) Serve(ctx context.Context, ready func(addr string)) error {
	if a.cfg.Demo {
		if err := a.LoadDemo(ctx); err != nil {
			return err
		}
		if err := a.LoadDemoComplaints(ctx, 300); err != nil {
			return fmt.Errorf("load demo complaints: %w", err)
		}
	}
	ln, err := net.Listen("tcp", a.cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", a.cfg.Addr, err)
	}
	return a.ServeListener(ctx, ln, ready)
}

// ServeListener is Serve on a listener the caller opened (tests use port 0).
func (a *App) ServeListener(ctx context.Context, ln net.Listener, ready func(addr string)) error {
	log := a.cfg.Log
	loc, err := time.LoadLocation("Asia/Riyadh")
	if err != nil {
		loc = time.UTC
	}
	tasks := jobs.Tasks{DispatchOutbox: a.Outbox.Dispatch, CleanSessions: a.Store.DeleteExpiredSessions,
		PruneOutbox: a.Store.PruneOutbox, Backup: a.Backups.Scheduled, SweepSLA: a.sweep,
		SendNotifications: a.Notify.Run}
	if a.cfg.BackupAt == "off" {
		tasks.Backup = nil
	}
	if n, err := a.Notify.Recover(context.WithoutCancel(ctx)); err != nil { // quick, and needed even when stopping at once
		ln.Close()
		return fmt.Errorf("recover the notification queue: %w", err)
	} else if n > 0 {
		log.Warn("messages cut off by a crash go out again", "count", n)
	}
	if _, err := a.PrepareSetup(ctx); err != nil { // without a code the wizard still opens on the server itself
		log.Error("prepare the first-run setup", "err", err)
	}
	sched, err := jobs.Start(tasks, jobs.Schedule{BackupAt: a.cfg.BackupAt, Location: loc}, log)
	if err != nil {
		ln.Close()
		return err
	}
	bg, stopBG := context.WithCancel(context.Background())
	defer stopBG()
	var rebuilding sync.WaitGroup
	if a.Index.NeedsRebuild() || a.ComplaintIndex.NeedsRebuild() { // missing, damaged, or never finished
		rebuilding.Add(1)
		go func() {
			defer rebuilding.Done()
			start := time.Now()
			if err := a.Rebuild(bg); err != nil && bg.Err() == nil {
				log.Error("search index rebuild failed", "err", err)
				return
			}
			log.Info("search index rebuilt", "ms", time.Since(start).Milliseconds())
		}()
	}
	var hisWork sync.WaitGroup
	hisWork.Add(1)
	go func() { defer hisWork.Done(); a.processHIS(bg) }()
	a.listenMLLP(bg, &hisWork)
	handler := a.Web.Handler()
	if a.cfg.Wrap != nil {
		handler = a.cfg.Wrap(handler)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 2 * time.Minute,
		WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("px360 serving", "addr", ln.Addr().String(), "data", a.cfg.DataDir, "version", a.cfg.Version)
	if ready != nil {
		ready(ln.Addr().String())
	}
	var serveErr error
	select {
	case <-ctx.Done():
	case serveErr = <-errc:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	stopBG()
	rebuilding.Wait() // the index files must be quiet before the caller closes them
	hisWork.Wait()
	if err := sched.Stop(shutdown); err != nil {
		log.Warn("jobs shutdown", "err", err)
	}
	log.Info("px360 stopped")
	if errors.Is(serveErr, http.ErrServerClosed) {
		return nil
	}
	return serveErr
}

// defaultPublicURL is the address links in messages start with until an admin sets the
// real one: the listen address, with this machine's name when it listens on all
// interfaces.
func defaultPublicURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://localhost:8080"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		if name, err := os.Hostname(); err == nil && name != "" {
			host = name
		} else {
			host = "localhost"
		}
	}
	return "http://" + net.JoinHostPort(host, port)
}

// processHIS applies stored HIS messages as they arrive (woken by each store) and at
// least every second, until ctx ends.
func (a *App) processHIS(ctx context.Context) {
	tick := time.NewTicker(time.Second)
	defer tick.Stop()
	for {
		if _, err := a.HIS.Process(ctx); err != nil && ctx.Err() == nil {
			a.cfg.Log.Error("HIS processing failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		case <-a.HIS.Woken():
		}
	}
}

// listenMLLP opens an MLLP listener for every enabled HL7 integration with a listen
// address. A port that cannot be opened is logged and skipped: the web application
// still serves, and the integration page shows the problem.
func (a *App) listenMLLP(ctx context.Context, wg *sync.WaitGroup) {
	ins, err := a.Store.Integrations(ctx)
	if err != nil {
		a.cfg.Log.Error("list integrations", "err", err)
		return
	}
	for _, in := range ins {
		if !in.Enabled || in.Kind != app.IntegrationHL7 || in.ListenAddr == "" {
			continue
		}
		l, err := a.HIS.Listen(in)
		if err != nil {
			a.cfg.Log.Error("MLLP listener not started", "integration", in.Name, "addr", in.ListenAddr, "err", err)
			continue
		}
		a.cfg.Log.Info("MLLP listening", "integration", in.Name, "addr", l.Addr().String())
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Serve(ctx); err != nil {
				a.cfg.Log.Error("MLLP listener stopped", "integration", in.Name, "err", err)
			}
		}()
	}
}
