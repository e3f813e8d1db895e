/**
 * Classes that exist only to describe the wire format in {@code /openapi.json}: the REST DSL names them as
 * {@code type} and {@code responseModel}, and camel-openapi-java turns them into schemas. The gateway itself
 * reads and writes JSON trees; field names are the wire names, hence snake_case.
 */
package io.camelllmproxy.openapi;
