/* Safe parsing of upstream XML responses and XPath reading helpers. */

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <libxml/xpath.h>

#include "buf.h"
#include "xalloc.h"
#include "xml_answer.h"

/*
 * Never XML_PARSE_NOENT (entity substitution), DTDLOAD, DTDVALID or HUGE:
 * together with the DOCTYPE check these keep external entities, entity
 * expansion bombs and network access out.
 */
#define XML_ANSWER_OPTIONS \
	(XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING)

static int
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/*
 * Return 1 when the prolog, the part before the root element, contains a
 * DOCTYPE declaration. Comments and processing instructions are skipped.
 * Anything the scan does not understand ends it, and the parser then
 * reports the document as malformed or the tree check catches a DOCTYPE.
 */
static int
prolog_has_doctype(const char *p, size_t len)
{
	const char	*end = p + len, *close;

	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		if (is_space(*p)) {
			p++;
			continue;
		}
		if ((size_t)(end - p) >= 9 && memcmp(p, "<!DOCTYPE", 9) == 0)
			return 1;
		if ((size_t)(end - p) >= 4 && memcmp(p, "<!--", 4) == 0)
			close = memmem(p + 4, (size_t)(end - p - 4), "-->", 3);
		else if ((size_t)(end - p) >= 2 && memcmp(p, "<?", 2) == 0)
			close = memmem(p + 2, (size_t)(end - p - 2), "?>", 2);
		else
			return 0;
		if (close == NULL)
			return 0;
		p = close + 2 + (*close == '-');
	}
	return 0;
}

xmlDocPtr
xml_answer_parse(const char *data, size_t len, struct buf *err)
{
	xmlParserCtxtPtr	 ctxt;
	xmlDocPtr		 doc;
	const xmlError		*error;
	size_t			 i;

	for (i = 0; i < len && is_space(data[i]); i++)
		continue;
	if (i == len) {
		buf_puts(err, "empty answer instead of XML");
		return NULL;
	}
	if (prolog_has_doctype(data, len)) {
		buf_puts(err, "XML with a DOCTYPE declaration rejected");
		return NULL;
	}
	if (len > INT_MAX) {
		buf_puts(err, "XML answer too large to parse");
		return NULL;
	}

	if ((ctxt = xmlNewParserCtxt()) == NULL) {
		buf_puts(err, "cannot create an XML parser");
		return NULL;
	}
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, "answer.xml", NULL,
	    XML_ANSWER_OPTIONS);
	if (doc == NULL || !ctxt->wellFormed) {
		error = xmlCtxtGetLastError(ctxt);
		buf_printf(err, "malformed XML at line %d",
		    error != NULL && error->line > 0 ? error->line : 1);
		xmlFreeDoc(doc);
		doc = NULL;
	} else if (doc->intSubset != NULL || doc->extSubset != NULL) {
		buf_puts(err, "XML with a DOCTYPE declaration rejected");
		xmlFreeDoc(doc);
		doc = NULL;
	}
	xmlFreeParserCtxt(ctxt);
	return doc;
}

xmlXPathObjectPtr
xml_select(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr	 result;

	ctx->node = node;
	result = xmlXPathEvalExpression((const xmlChar *)expr, ctx);
	if (result == NULL)
		return NULL;
	if (result->type != XPATH_NODESET || result->nodesetval == NULL ||
	    result->nodesetval->nodeNr == 0) {
		xmlXPathFreeObject(result);
		return NULL;
	}
	return result;
}

char *
xml_node_text(xmlNodePtr node)
{
	xmlChar		*content;
	const char	*start, *end;
	char		*text = NULL;

	if ((content = xmlNodeGetContent(node)) == NULL)
		return NULL;
	start = (const char *)content;
	while (is_space(*start))
		start++;
	end = start + strlen(start);
	while (end > start && is_space(end[-1]))
		end--;
	if (end > start)
		text = xstrndup(start, (size_t)(end - start));
	xmlFree(content);
	return text;
}

char *
xml_text(xmlXPathContextPtr ctx, xmlNodePtr node, const char *expr)
{
	xmlXPathObjectPtr	 result;
	char			*text;

	if ((result = xml_select(ctx, node, expr)) == NULL)
		return NULL;
	text = xml_node_text(result->nodesetval->nodeTab[0]);
	xmlXPathFreeObject(result);
	return text;
}
