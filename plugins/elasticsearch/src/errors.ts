import { defineErrorCodes } from '@cartwright/core';

/** What goes wrong talking to Elasticsearch, as shoppers, staff and the logs see it. */
export const ElasticsearchErrors = defineErrorCodes({
  ELASTICSEARCH_UNAVAILABLE: { status: 503, title: 'Elasticsearch could not be reached or kept failing after the retries; search answers again once the cluster does' },
  ELASTICSEARCH_REQUEST_REJECTED: { status: 502, title: 'Elasticsearch refused a request of the search plugin (a mapping, a query or a setting it does not accept)' },
  ELASTICSEARCH_DOCUMENTS_REJECTED: { status: 502, title: 'Elasticsearch refused some documents of a bulk write; the message names them and the reasons' },
});
