/*
 * The JSON API under /api/v1/: the evaluate view (evaluate.h) of one
 * person or one device plus "errors", the sources that failed. Every
 * response is application/json with Cache-Control: no-store, and every
 * error is {"error": "..."} with its HTTP status.
 */
#ifndef STETHOSCOPE_API_H
#define STETHOSCOPE_API_H

#include "app.h"
#include "request.h"

/* GET /api/v1/devices/merged/EMAIL: the person's own devices, or anyone's for an admin. */
void	api_devices_merged(const struct app *app, struct request *req,
	    struct response *resp);
/* GET /api/v1/devices/serial/SERIAL, admins only. */
void	api_devices_serial(const struct app *app, struct request *req,
	    struct response *resp);
/* GET /api/v1/devices/macaddr/MAC, admins only. */
void	api_devices_macaddr(const struct app *app, struct request *req,
	    struct response *resp);

/*
 * Fill resp with {"error": message} and status. A NULL message takes the
 * fixed text for the status; request data never reaches it.
 */
void	api_error(const struct request *req, int status, const char *message,
	    struct response *resp);

#endif
