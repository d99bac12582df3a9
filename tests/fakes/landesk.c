/*
 * A fake LANDESK / Ivanti core server for tests and the demo: the HTTP GET
 * form of the MBSDK web service, serving recorded GetMachineDataEX
 * responses, and misbehaving on demand (fake_upstream.h).
 *
 *   GET /MBSDKService/MsgSDK.asmx/ListMachines?Filter=QUERY
 *       the devices whose inventory matches QUERY: terms
 *       COLUMN = 'VALUE' joined by OR, compared without regard to case,
 *       with '' for a quote inside VALUE; a query it cannot read gets the
 *       ASP.NET error page with status 500
 *   GET /MBSDKService/MsgSDK.asmx/GetMachineDataEX?GUID=G&ColumnSetName=S
 *       the recorded answer for G; an unknown device or column set gets
 *       the error page with status 500
 *
 * Every request needs Basic credentials, or it gets the IIS 401 page with
 * the WWW-Authenticate headers IIS sends (NTLM is not spoken here).
 *
 * Test credentials (made up, accepted by this fake only):
 *   svc-stethoscope / landesk-test-password
 *
 * The data directory holds the subdirectories machines (one
 * GetMachineDataEX answer per .xml file, in the MBSDK namespace) and
 * errors (401.html, 404.html and 500.html).
 */

#include <dirent.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/parser.h>
#include <libxml/xpathInternals.h>

#include "buf.h"
#include "fake_upstream.h"
#include "html.h"
#include "http_server.h"
#include "log.h"
#include "xalloc.h"
#include "xml_answer.h"

#define FAKE_USERNAME	"svc-stethoscope"
#define FAKE_PASSWORD	"landesk-test-password"
#define NAMESPACE	"http://landesk.com/MBSDKService/MBSDK/"
#define BASE_PATH	"/MBSDKService/MsgSDK.asmx/"

struct item {
	char	*column;	/* the key without instance markers */
	char	*value;		/* "" when empty */
};

struct machine {
	char		*guid;
	char		*column_set;
	struct item	*items;
	size_t		 item_count;
	struct buf	 xml;
};

struct fake {
	struct machine		*machines;
	size_t			 machine_count;
	struct fake_pages	 pages;
	struct fake_mode	 mode;
	struct fake_stats	 stats;
	char			*basic_expected;
};

static const char doctype_xml[] =
    "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
    "<!DOCTYPE DeviceList [\n"
    "  <!ENTITY leak SYSTEM \"file:///etc/passwd\">\n"
    "]>\n"
    "<DeviceList xmlns=\"" NAMESPACE "\"><Devices><Device><GUID>&leak;"
    "</GUID></Device></Devices></DeviceList>\n";

static const char *const authenticate[] = {
	"Negotiate", "NTLM", "Basic realm=\"core.example.com\"", NULL,
};

/* ---- the recordings ------------------------------------------------------ */

static char *
strip_instances(const char *key)
{
	struct buf	 out = BUF_INIT;
	const char	*close;

	while (*key != '\0') {
		if (*key == '(' && (close = strchr(key, ')')) != NULL) {
			key = close + 1;
			continue;
		}
		buf_putc(&out, *key++);
	}
	buf_puts(&out, "");
	return buf_detach(&out);
}

static int
load_machine(const char *dir, const char *name, struct machine *m)
{
	struct buf		 err = BUF_INIT;
	xmlDocPtr		 doc = NULL;
	xmlXPathContextPtr	 ctx = NULL;
	xmlXPathObjectPtr	 found = NULL;
	xmlNodePtr		 root, node;
	char			*key, *value;
	int			 i, rc = -1;

	if (fake_read_file(dir, name, &m->xml) != 0)
		goto out;
	if ((doc = xml_answer_parse(m->xml.data, m->xml.len, &err)) == NULL) {
		log_error("fake", "%s/%s: %s", dir, name, err.data);
		goto out;
	}
	root = xmlDocGetRootElement(doc);
	ctx = xmlXPathNewContext(doc);
	xmlXPathRegisterNs(ctx, BAD_CAST "m", BAD_CAST NAMESPACE);
	m->guid = xml_text(ctx, root, "/m:MachineDataEX/m:GUID");
	m->column_set = xml_text(ctx, root, "/m:MachineDataEX/m:ColumnSetName");
	if (m->guid == NULL || m->column_set == NULL) {
		log_error("fake", "%s/%s: expected a MachineDataEX answer with "
		    "a GUID and a ColumnSetName", dir, name);
		goto out;
	}
	found = xml_select(ctx, root, "m:Data/m:MachineData");
	m->items = xcalloc(found != NULL ? (size_t)found->nodesetval->nodeNr :
	    1, sizeof(*m->items));
	for (i = 0; found != NULL && i < found->nodesetval->nodeNr; i++) {
		node = found->nodesetval->nodeTab[i];
		if ((key = xml_text(ctx, node, "m:Key")) == NULL)
			continue;
		value = xml_text(ctx, node, "m:Value");
		m->items[m->item_count].column = strip_instances(key);
		m->items[m->item_count++].value = value != NULL ? value :
		    xstrdup("");
		free(key);
	}
	rc = 0;

out:
	if (found != NULL)
		xmlXPathFreeObject(found);
	xmlXPathFreeContext(ctx);
	xmlFreeDoc(doc);
	buf_free(&err);
	return rc;
}

static int
is_xml(const struct dirent *d)
{
	size_t	 len = strlen(d->d_name);

	return len > 4 && strcmp(d->d_name + len - 4, ".xml") == 0;
}

static int
by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int
load_machines(struct fake *fk, const char *data)
{
	struct dirent	**names;
	struct buf	  dir = BUF_INIT;
	int		  n, i, rc = 0;

	buf_printf(&dir, "%s/machines", data);
	if ((n = scandir(dir.data, &names, is_xml, by_name)) < 0) {
		log_error("fake", "cannot list %s", dir.data);
		buf_free(&dir);
		return -1;
	}
	fk->machines = xcalloc((size_t)n + 1, sizeof(*fk->machines));
	for (i = 0; i < n; i++) {
		if (rc == 0 && load_machine(dir.data, names[i]->d_name,
		    &fk->machines[fk->machine_count]) == 0)
			fk->machine_count++;
		else
			rc = -1;
		free(names[i]);
	}
	free(names);
	buf_free(&dir);
	return rc;
}

static void
free_machines(struct fake *fk)
{
	struct machine	*m;
	size_t		 i, j;

	for (i = 0; fk->machines != NULL && i <= fk->machine_count; i++) {
		m = &fk->machines[i];
		for (j = 0; j < m->item_count; j++) {
			free(m->items[j].column);
			free(m->items[j].value);
		}
		free(m->items);
		free(m->guid);
		free(m->column_set);
		buf_free(&m->xml);
	}
	free(fk->machines);
}

static const char *
machine_value(const struct machine *m, const char *column)
{
	size_t	 i;

	for (i = 0; i < m->item_count; i++)
		if (strcasecmp(m->items[i].column, column) == 0)
			return m->items[i].value;
	return "";
}

/* ---- inventory queries --------------------------------------------------- */

struct term {
	char	*column;
	char	*value;
};

static void
free_terms(struct term *terms, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		free(terms[i].column);
		free(terms[i].value);
	}
	free(terms);
}

/* Parse one "COLUMN = 'VALUE'" at *p, moving *p past it. */
static int
parse_term(const char **p, struct term *t)
{
	const char	*s = *p, *eq, *end;
	struct buf	 value = BUF_INIT;
	size_t		 len;

	s += strspn(s, " ");
	if ((eq = strchr(s, '=')) == NULL)
		return -1;
	len = (size_t)(eq - s);
	while (len > 0 && s[len - 1] == ' ')
		len--;
	if (len == 0)
		return -1;
	t->column = xstrndup(s, len);
	s = eq + 1 + strspn(eq + 1, " ");
	if (*s != '\'')
		return -1;
	for (end = s + 1; *end != '\0'; end++) {
		if (*end == '\'' && end[1] == '\'') {
			buf_putc(&value, '\'');
			end++;
		} else if (*end == '\'')
			break;
		else
			buf_putc(&value, *end);
	}
	if (*end != '\'') {
		buf_free(&value);
		return -1;
	}
	buf_puts(&value, "");
	t->value = buf_detach(&value);
	*p = end + 1;
	return 0;
}

/* Parse "TERM OR TERM ..."; returns the terms or NULL when invalid. */
static struct term *
parse_query(const char *query, size_t *count)
{
	struct term	*terms = NULL;
	const char	*p = query;

	*count = 0;
	for (;;) {
		terms = xrealloc(terms, (*count + 1) * sizeof(*terms));
		memset(&terms[*count], 0, sizeof(*terms));
		if (parse_term(&p, &terms[(*count)++]) != 0)
			break;
		p += strspn(p, " ");
		if (*p == '\0')
			return terms;
		if (strncasecmp(p, "OR ", 3) != 0)
			break;
		p += 3;
	}
	free_terms(terms, *count);
	*count = 0;
	return NULL;
}

static int
machine_matches(const struct machine *m, const struct term *terms, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++)
		for (j = 0; j < m->item_count; j++)
			if (strcasecmp(m->items[j].column, terms[i].column) ==
			    0 && terms[i].value[0] != '\0' &&
			    strcasecmp(m->items[j].value, terms[i].value) == 0)
				return 1;
	return 0;
}

/* ---- requests ------------------------------------------------------------ */

static void
append_element(struct buf *b, const char *name, const char *value)
{
	if (value[0] == '\0') {
		buf_printf(b, "      <%s />\n", name);
		return;
	}
	buf_printf(b, "      <%s>", name);
	html_escape(b, value, strlen(value));
	buf_printf(b, "</%s>\n", name);
}

static void
start_answer(struct http_response *resp, const char *root)
{
	http_response_add_header(resp, "Content-Type",
	    "text/xml; charset=utf-8");
	buf_printf(&resp->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n"
	    "<%s xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
	    "xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns=\"%s\">\n",
	    root, NAMESPACE);
}

static void
handle_list(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	const struct machine	*m;
	struct term		*terms;
	struct buf		 devices = BUF_INIT;
	char			*filter;
	size_t			 i, n, found = 0;

	filter = http_form_value(req->query, strlen(req->query), "Filter");
	if (filter == NULL || (terms = parse_query(filter, &n)) == NULL) {
		log_info("fake", "ListMachines: invalid or missing Filter");
		free(filter);
		fake_html_error(&fk->pages, 500, resp);
		return;
	}
	for (i = 0; i < fk->machine_count; i++) {
		m = &fk->machines[i];
		if (!machine_matches(m, terms, n))
			continue;
		found++;
		buf_puts(&devices, "    <Device>\n");
		append_element(&devices, "GUID", m->guid);
		append_element(&devices, "DeviceName",
		    machine_value(m, "Computer.Device Name"));
		append_element(&devices, "DomainName",
		    machine_value(m, "Computer.Domain Name"));
		append_element(&devices, "LastLogin",
		    machine_value(m, "Computer.Login Name"));
		append_element(&devices, "IPAddress",
		    machine_value(m, "Computer.Network.TCPIP.Address"));
		append_element(&devices, "MACAddress", machine_value(m,
		    "Computer.Network.TCPIP.Bound Adapter.Physical Address"));
		append_element(&devices, "OSName",
		    machine_value(m, "Computer.OS.Name"));
		buf_puts(&devices, "    </Device>\n");
	}
	start_answer(resp, "DeviceList");
	if (found == 0)
		buf_puts(&resp->body, "  <Devices />\n");
	else {
		buf_puts(&resp->body, "  <Devices>\n");
		buf_append(&resp->body, devices.data, devices.len);
		buf_puts(&resp->body, "  </Devices>\n");
	}
	buf_puts(&resp->body, "</DeviceList>\n");
	buf_free(&devices);
	free_terms(terms, n);
	free(filter);
}

static void
handle_machine(struct fake *fk, const struct http_request *req,
    struct http_response *resp)
{
	const struct machine	*m;
	char			*guid, *set;
	size_t			 i;

	guid = http_form_value(req->query, strlen(req->query), "GUID");
	set = http_form_value(req->query, strlen(req->query), "ColumnSetName");
	for (i = 0; guid != NULL && set != NULL && i < fk->machine_count; i++) {
		m = &fk->machines[i];
		if (strcasecmp(m->guid, guid) != 0 ||
		    strcasecmp(m->column_set, set) != 0)
			continue;
		http_response_add_header(resp, "Content-Type",
		    "text/xml; charset=utf-8");
		buf_append(&resp->body, m->xml.data, m->xml.len);
		free(guid);
		free(set);
		return;
	}
	log_info("fake", "GetMachineDataEX: no device or column set matches");
	fake_html_error(&fk->pages, 500, resp);
	free(guid);
	free(set);
}

static void
handle_request(const struct http_request *req, struct http_response *resp,
    void *arg)
{
	struct fake	*fk = arg;
	const char	*auth, *operation;

	if (fake_control(req, resp, &fk->mode, &fk->stats))
		return;
	if (fake_mode_before(&fk->mode, &fk->pages, resp))
		return;
	if (strncmp(req->path, BASE_PATH, strlen(BASE_PATH)) != 0) {
		fake_html_error(&fk->pages, 404, resp);
		return;
	}

	fk->stats.api_requests++;
	auth = http_request_header(req, "Authorization");
	if (auth == NULL || strcmp(auth, fk->basic_expected) != 0) {
		fk->stats.rejected_auth++;
		fake_html_error(&fk->pages, 401, resp);
		return;
	}
	if (strcmp(req->method, "GET") != 0) {
		http_response_text(resp, 405, "Method Not Allowed");
		http_response_add_header(resp, "Allow", "GET");
		return;
	}
	operation = req->path + strlen(BASE_PATH);
	if (strcmp(operation, "ListMachines") == 0)
		handle_list(fk, req, resp);
	else if (strcmp(operation, "GetMachineDataEX") == 0)
		handle_machine(fk, req, resp);
	else {
		fake_html_error(&fk->pages, 404, resp);
		return;
	}
	if (resp->status == 200)
		fake_mode_body(&fk->mode, &fk->pages, resp);
}

/* ---- main ---------------------------------------------------------------- */

static void
usage(FILE *out)
{
	fprintf(out,
	    "usage: landesk --listen ADDRESS --data DIR [--mode MODE]\n"
	    "\n"
	    "A fake LANDESK core server (MBSDK web service) answering from the\n"
	    "recordings in DIR.\n"
	    "\n"
	    "  --listen ADDRESS  127.0.0.1:PORT, [::1]:PORT or unix:PATH; the\n"
	    "                    bound port is printed as \"port N\"\n"
	    "  --data DIR        machines/*.xml and errors/*.html\n"
	    "  --mode MODE       normal, slow:MS, hang, 401, 429:SECONDS, 500,\n"
	    "                    html200, truncated, oversize or doctype\n"
	    "\n"
	    "Credentials (test values, Basic auth): " FAKE_USERNAME " with "
	    "password " FAKE_PASSWORD ".\n");
}

int
main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "listen",	required_argument, NULL, 'l' },
		{ "data",	required_argument, NULL, 'd' },
		{ "mode",	required_argument, NULL, 'm' },
		{ "help",	no_argument,	   NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct fake	 fk;
	struct http_server	*srv = NULL;
	const char		*listen = NULL, *data = NULL, *mode = "normal";
	int			 ch, rc = 1;

	while ((ch = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (ch) {
		case 'l': listen = optarg; break;
		case 'd': data = optarg; break;
		case 'm': mode = optarg; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind != argc || listen == NULL || data == NULL) {
		fprintf(stderr, "landesk: --listen and --data are required\n");
		usage(stderr);
		return 2;
	}
	if (fake_mode_parse(mode, &fk.mode) != 0) {
		fprintf(stderr, "landesk: invalid --mode %s\n", mode);
		usage(stderr);
		return 2;
	}

	xmlInitParser();
	fk.pages.doctype_xml = doctype_xml;
	fk.pages.authenticate = authenticate;
	fk.basic_expected = fake_basic_authorization(FAKE_USERNAME,
	    FAKE_PASSWORD);
	if (fake_pages_load(&fk.pages, data) != 0 ||
	    load_machines(&fk, data) != 0) {
		log_error("landesk", "not started: fix the recordings in %s",
		    data);
		goto out;
	}
	if ((srv = http_server_new(listen, handle_request, &fk)) == NULL) {
		log_error("landesk", "not started: cannot listen on %s",
		    listen);
		goto out;
	}
	if (http_server_port(srv) != 0) {
		printf("port %d\n", http_server_port(srv));
		fflush(stdout);
	}
	log_info("landesk", "started on %s with %zu devices, mode %s", listen,
	    fk.machine_count, mode);

	rc = http_server_run(srv) == 0 ? 0 : 1;
	log_info("landesk", "stopped");

out:
	http_server_free(srv);
	free_machines(&fk);
	fake_pages_free(&fk.pages);
	free(fk.basic_expected);
	return rc;
}
