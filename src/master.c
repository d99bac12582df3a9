/* The master: worker supervision, reload and graceful stop. */

#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "app.h"
#include "listener.h"
#include "log.h"
#include "master.h"
#include "reload_state.h"
#include "worker.h"
#include "xalloc.h"

/* A worker that dies sooner than this after its start counts as a crash. */
#define QUICK_DEATH_MS		5000
#define RESPAWN_FIRST_DELAY_MS	100
#define RESPAWN_MAX_DELAY_MS	30000

struct slot {
	pid_t		 pid;		/* 0 while waiting to be respawned */
	struct timespec	 started;
	struct timespec	 respawn_at;
	unsigned	 quick_deaths;
};

struct master {
	const char	*config_path;
	struct app	*app;
	struct listener	 listener;
	char		*pid_file;
	char		*reload_state;	/* the failed reload's problems; see reload_state.h */
	unsigned	 generation;
	struct slot	*slots;
	int		 slot_count;
	pid_t		*retiring;	/* previous generations, finishing up */
	size_t		 retiring_count;
	int		 stopping;
	struct timespec	 drain_deadline;
};

static void
on_sigchld(int sig)
{
	(void)sig;
}

static long
ms_between(const struct timespec *from, const struct timespec *to)
{
	return (to->tv_sec - from->tv_sec) * 1000 +
	    (to->tv_nsec - from->tv_nsec) / 1000000;
}

static struct timespec
ms_from_now(long ms)
{
	struct timespec	 t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	t.tv_sec += ms / 1000;
	t.tv_nsec += (ms % 1000) * 1000000;
	if (t.tv_nsec >= 1000000000) {
		t.tv_sec++;
		t.tv_nsec -= 1000000000;
	}
	return t;
}

static void
describe_status(int status, char *out, size_t len)
{
	if (WIFEXITED(status))
		snprintf(out, len, "exited with status %d",
		    WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(out, len, "was killed by signal %d (SIG%s)",
		    WTERMSIG(status), sigabbrev_np(WTERMSIG(status)));
	else
		snprintf(out, len, "ended with wait status %d", status);
}

static void
spawn(struct master *m, int index)
{
	struct slot	*s = &m->slots[index];
	struct sigaction sa;
	sigset_t	 none;
	pid_t		 pid;
	int		 rc;

	pid = fork();
	if (pid == -1) {
		log_error("master", "cannot fork worker %d: %s; retrying in "
		    "%d ms", index, strerror(errno), RESPAWN_MAX_DELAY_MS / 30);
		s->respawn_at = ms_from_now(RESPAWN_MAX_DELAY_MS / 30);
		return;
	}
	if (pid == 0) {
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = SIG_DFL;
		sigaction(SIGCHLD, &sa, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		rc = worker_run(m->app, m->listener.fd, m->generation);
		exit(rc);
	}
	s->pid = pid;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	log_info("master", "started worker %ld (slot %d, generation %u)",
	    (long)pid, index, m->generation);
}

static void
spawn_due(struct master *m)
{
	struct timespec	 now;
	int		 i;

	if (m->stopping)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	for (i = 0; i < m->slot_count; i++)
		if (m->slots[i].pid == 0 &&
		    ms_between(&m->slots[i].respawn_at, &now) >= 0)
			spawn(m, i);
}

static void
reset_slots(struct master *m, int count)
{
	int	 i;

	free(m->slots);
	m->slots = xcalloc((size_t)count, sizeof(m->slots[0]));
	m->slot_count = count;
	for (i = 0; i < count; i++)
		clock_gettime(CLOCK_MONOTONIC, &m->slots[i].respawn_at);
}

static int
take_retiring(struct master *m, pid_t pid)
{
	size_t	 i;

	for (i = 0; i < m->retiring_count; i++) {
		if (m->retiring[i] == pid) {
			m->retiring[i] = m->retiring[--m->retiring_count];
			return 1;
		}
	}
	return 0;
}

/* Schedule the respawn of a slot whose worker died unasked. */
static void
schedule_respawn(struct slot *s, pid_t pid,
    const char *how)
{
	struct timespec	 now;
	long		 lived, delay = 0;
	unsigned	 i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	lived = ms_between(&s->started, &now);
	if (lived < QUICK_DEATH_MS)
		s->quick_deaths++;
	else
		s->quick_deaths = 0;

	/* Double the delay for each crash in a row, up to a ceiling. */
	if (s->quick_deaths > 0) {
		delay = RESPAWN_FIRST_DELAY_MS;
		for (i = 1; i < s->quick_deaths && delay < RESPAWN_MAX_DELAY_MS;
		    i++)
			delay *= 2;
		if (delay > RESPAWN_MAX_DELAY_MS)
			delay = RESPAWN_MAX_DELAY_MS;
	}
	s->respawn_at = ms_from_now(delay);
	log_warn("master", "worker %ld %s after %ld ms; respawning in %ld ms",
	    (long)pid, how, lived, delay);
}

static void
reap(struct master *m)
{
	char	 how[96];
	pid_t	 pid;
	int	 status, i;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		describe_status(status, how, sizeof(how));
		if (take_retiring(m, pid)) {
			log_info("master", "previous-generation worker %ld %s",
			    (long)pid, how);
			continue;
		}
		for (i = 0; i < m->slot_count; i++)
			if (m->slots[i].pid == pid)
				break;
		if (i == m->slot_count) {
			log_warn("master", "reaped unknown child %ld, which %s",
			    (long)pid, how);
			continue;
		}
		m->slots[i].pid = 0;
		if (m->stopping)
			log_info("master", "worker %ld %s", (long)pid, how);
		else
			schedule_respawn(&m->slots[i], pid, how);
	}
}

static void
reload(struct master *m)
{
	struct diag_list d = DIAG_LIST_INIT;
	struct app	*next;
	int		 i;

	log_info("master", "reloading %s", m->config_path);
	if (app_load(m->config_path, &next, &d) != 0) {
		diag_log(&d, "reload");
		log_error("master", "reload failed with %zu problem(s); still "
		    "serving generation %u with the previous configuration",
		    d.count, m->generation);
		if (m->reload_state != NULL)
			reload_state_write(m->reload_state, &d, time(NULL));
		diag_clear(&d);
		return;
	}
	diag_clear(&d);
	if (m->reload_state != NULL)
		reload_state_clear(m->reload_state);

	if (strcmp(next->config->listen, m->app->config->listen) != 0)
		log_warn("master", "listen changed to %s; the socket stays on "
		    "%s until a restart", next->config->listen,
		    m->app->config->listen);
	log_set_level(next->config->log_level);

	/* Start the new generation first; the old one drains meanwhile. */
	for (i = 0; i < m->slot_count; i++) {
		if (m->slots[i].pid == 0)
			continue;
		m->retiring = xrealloc(m->retiring,
		    (m->retiring_count + 1) * sizeof(m->retiring[0]));
		m->retiring[m->retiring_count++] = m->slots[i].pid;
	}
	app_free(m->app);
	m->app = next;
	m->generation++;
	reset_slots(m, next->config->workers);
	spawn_due(m);

	for (i = 0; i < (int)m->retiring_count; i++)
		kill(m->retiring[i], SIGTERM);
	log_info("master", "reloaded: generation %u with %d workers; %zu "
	    "previous workers finishing their requests", m->generation,
	    m->slot_count, m->retiring_count);
}

static int
children_left(const struct master *m)
{
	int	 i, n = (int)m->retiring_count;

	for (i = 0; i < m->slot_count; i++)
		if (m->slots[i].pid != 0)
			n++;
	return n;
}

static void
signal_children(struct master *m, int sig)
{
	size_t	 i;
	int	 k;

	for (k = 0; k < m->slot_count; k++)
		if (m->slots[k].pid != 0)
			kill(m->slots[k].pid, sig);
	for (i = 0; i < m->retiring_count; i++)
		kill(m->retiring[i], sig);
}

static void
begin_stop(struct master *m, int sig)
{
	if (m->stopping)
		return;
	m->stopping = 1;
	m->drain_deadline = ms_from_now(m->app->config->drain_timeout_ms);
	log_info("master", "received SIG%s; stopping %d workers, waiting up "
	    "to %d ms for requests in flight", sigabbrev_np(sig),
	    children_left(m),
	    m->app->config->drain_timeout_ms);
	signal_children(m, SIGTERM);
}

/* The time until the next scheduled event, or -1 when there is none. */
static long
next_timeout_ms(const struct master *m)
{
	struct timespec	 now;
	long		 best = -1, t;
	int		 i;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (m->stopping) {
		best = ms_between(&now, &m->drain_deadline);
	} else {
		for (i = 0; i < m->slot_count; i++) {
			if (m->slots[i].pid != 0)
				continue;
			t = ms_between(&now, &m->slots[i].respawn_at);
			if (t < 0)
				t = 0;
			if (best < 0 || t < best)
				best = t;
		}
	}
	return m->stopping && best < 0 ? 0 : best;
}

static int
write_pid_file(const char *path)
{
	char	 text[32];
	FILE	*f;
	long	 old = 0;
	int	 fd, n;

	if ((f = fopen(path, "r")) != NULL) {
		if (fscanf(f, "%ld", &old) == 1 && old > 0 &&
		    old != (long)getpid() && kill((pid_t)old, 0) == 0) {
			fclose(f);
			log_error("master", "pid file %s names running process "
			    "%ld; is stethoscope already running?", path, old);
			return -1;
		}
		fclose(f);
	}

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd == -1) {
		log_error("master", "cannot write pid file %s: %s", path,
		    strerror(errno));
		return -1;
	}
	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if (write(fd, text, (size_t)n) != n) {
		log_error("master", "cannot write pid file %s: %s", path,
		    strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

static int
detach(void)
{
	pid_t	 pid;
	int	 fd;

	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		_exit(0);
	if (setsid() == -1)
		return -1;
	if ((pid = fork()) == -1)
		return -1;
	if (pid > 0)
		_exit(0);
	if (chdir("/") == -1)
		return -1;
	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	return 0;
}

static void
supervise(struct master *m)
{
	struct timespec	 wait;
	siginfo_t	 info;
	sigset_t	 set;
	long		 timeout;
	int		 sig;

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);

	for (;;) {
		spawn_due(m);
		if (m->stopping && children_left(m) == 0)
			break;

		timeout = next_timeout_ms(m);
		if (timeout < 0) {
			sig = sigwaitinfo(&set, &info);
		} else {
			wait.tv_sec = timeout / 1000;
			wait.tv_nsec = (timeout % 1000) * 1000000;
			sig = sigtimedwait(&set, &info, &wait);
		}

		switch (sig) {
		case SIGCHLD:
			reap(m);
			break;
		case SIGHUP:
			if (!m->stopping)
				reload(m);
			break;
		case SIGTERM:
		case SIGINT:
			begin_stop(m, sig);
			break;
		default:
			break;
		}

		if (m->stopping && next_timeout_ms(m) <= 0 &&
		    children_left(m) > 0) {
			log_warn("master", "drain timeout of %d ms passed; "
			    "killing %d remaining workers",
			    m->app->config->drain_timeout_ms, children_left(m));
			signal_children(m, SIGKILL);
			m->drain_deadline = ms_from_now(60000);
		}
	}
}

int
master_run(const char *config_path, int foreground)
{
	struct master	 m;
	struct diag_list d = DIAG_LIST_INIT;
	struct sigaction sa;
	sigset_t	 set;
	int		 rc = 1;

	memset(&m, 0, sizeof(m));
	m.config_path = config_path;
	m.listener.fd = -1;
	log_info("master", "starting stethoscope %s with %s",
	    STETHOSCOPE_VERSION, config_path);

	if (app_load(config_path, &m.app, &d) != 0) {
		diag_log(&d, "config");
		log_error("master", "not starting: %zu problem(s) in the "
		    "configuration", d.count);
		diag_clear(&d);
		return 1;
	}
	log_set_level(m.app->config->log_level);

	/* Block the signals the loop waits for before any child exists. */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigchld;
	sigaction(SIGCHLD, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);

	if (FCGX_Init() != 0) {
		log_error("master", "cannot initialise libfcgi");
		goto out;
	}
	if (listener_open(&m.listener, m.app->config->listen,
	    m.app->config->socket_mode) != 0)
		goto out;
	if (!foreground && detach() != 0) {
		log_error("master", "cannot detach: %s", strerror(errno));
		goto out;
	}
	if (m.app->config->pid_file != NULL) {
		if (write_pid_file(m.app->config->pid_file) != 0)
			goto out;
		m.pid_file = xstrdup(m.app->config->pid_file);
		m.reload_state = reload_state_path(m.pid_file);
		reload_state_clear(m.reload_state);
	}

	reset_slots(&m, m.app->config->workers);
	log_info("master", "running with %d workers", m.slot_count);
	supervise(&m);
	log_info("master", "stopped");
	rc = 0;

out:
	if (m.pid_file != NULL) {
		unlink(m.pid_file);
		free(m.pid_file);
	}
	free(m.reload_state);
	listener_close(&m.listener);
	free(m.slots);
	free(m.retiring);
	app_free(m.app);
	return rc;
}
