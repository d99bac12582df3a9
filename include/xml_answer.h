/*
 * Parsing XML responses from upstream systems safely, and reading values
 * out of them with XPath. Documents with a DOCTYPE are rejected before
 * libxml2 sees them, entities are never substituted, and the parser never
 * touches the network. xmlInitParser must have been called once in the
 * process.
 */
#ifndef STETHOSCOPE_XML_ANSWER_H
#define STETHOSCOPE_XML_ANSWER_H

#include <stddef.h>

#include <libxml/tree.h>
#include <libxml/xpath.h>

#include "buf.h"

/*
 * Parse len bytes as one XML document. Returns the document, which the
 * caller frees with xmlFreeDoc, or NULL with one of these appended to err:
 * "empty answer instead of XML", "XML with a DOCTYPE declaration
 * rejected", "malformed XML at line L".
 */
xmlDocPtr	 xml_answer_parse(const char *data, size_t len,
		    struct buf *err);

/*
 * Evaluate expr with node as the context node and return the nodes found,
 * or NULL when there are none or expr is invalid. Free the result with
 * xmlXPathFreeObject; its nodes are in result->nodesetval.
 */
xmlXPathObjectPtr xml_select(xmlXPathContextPtr ctx, xmlNodePtr node,
		    const char *expr);

/*
 * Return the text of the first node that expr selects under node, with
 * surrounding white space removed, as a string the caller frees with
 * free(). Returns NULL when nothing is selected or the text is empty, so
 * a missing element and an empty one both read as unknown.
 */
char		*xml_text(xmlXPathContextPtr ctx, xmlNodePtr node,
		    const char *expr);

/* Return the text of node itself as xml_text does. */
char		*xml_node_text(xmlNodePtr node);

#endif
