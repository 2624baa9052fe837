// The paygraph playground: GraphiQL over HTTP for queries and mutations, graphql-ws for
// subscriptions. The Authorization header from the Headers tab is used for both: for
// subscriptions it goes into connection_init, and the socket is re-opened when it changes.
(function () {
  'use strict';
  var httpUrl = new URL('/graphql', window.location.href).toString();
  var wsUrl = httpUrl.replace(/^http/, 'ws');
  var httpFetcher = GraphiQL.createFetcher({ url: httpUrl });
  var socket = null;
  var socketAuthorization = null;

  function authorizationFrom(headers) {
    if (!headers) return '';
    for (var name in headers) {
      if (name.toLowerCase() === 'authorization') return String(headers[name]);
    }
    return '';
  }

  function socketFor(authorization) {
    if (socket && socketAuthorization === authorization) return socket;
    if (socket) socket.dispose();
    socketAuthorization = authorization;
    socket = graphqlWs.createClient({
      url: wsUrl,
      lazy: true,
      connectionParams: authorization ? { authorization: authorization } : {},
    });
    return socket;
  }

  // Decided from the query text GraphiQL sends, not its parsed document: the parse is
  // debounced, so right after an edit the document can still be the previous one.
  function isSubscription(params) {
    var text = (params.query || '').replace(/#[^\n]*/g, '');
    if (params.operationName) {
      return new RegExp('\\bsubscription\\s+' + params.operationName + '\\b').test(text);
    }
    return /^\s*subscription\b/.test(text);
  }

  // The Headers tab starts with the placeholder "Bearer ", which is no credential: it is left
  // out rather than sent (the server answers an empty one with 401).
  function withoutEmptyAuthorization(options) {
    if (!options || !options.headers) return options;
    var headers = {};
    for (var name in options.headers) {
      if (name.toLowerCase() === 'authorization' && /^Bearer\s*$/i.test(String(options.headers[name]))) continue;
      headers[name] = options.headers[name];
    }
    return Object.assign({}, options, { headers: headers });
  }

  // graphql-ws ends a refused connection with a close event, which GraphiQL would show as
  // {"isTrusted": true}: show its readable reason instead.
  async function* readableClose(iterable) {
    try {
      for await (var result of iterable) yield result;
    } catch (error) {
      if (error && typeof error.code === 'number') {
        yield { errors: [{ message: error.reason || 'The connection closed (' + error.code + ')' }] };
        return;
      }
      throw error;
    }
  }

  function fetcher(params, options) {
    var cleaned = withoutEmptyAuthorization(options);
    if (isSubscription(params)) {
      return readableClose(socketFor(authorizationFrom(cleaned && cleaned.headers)).iterate(params));
    }
    return httpFetcher(params, cleaned);
  }

  var defaultQuery = [
    '# Welcome to paygraph.',
    '# 1. Open the Headers tab below and set {"Authorization": "Bearer <your API key>"}',
    "#    (`npm start` prints the demo platform's key on its first start; `npx paygraph demo --new-key`",
    '#    prints a new one at any time).',
    '# 2. Run this query, then try a subscription in another tab.',
    '# 3. Open the Docs (the book icon): every type and field is described. The flow is',
    '#    configureProvider -> createPayment / createPayout / createLedgerTransaction ->',
    '#    transactionUpdated / payoutUpdated (or the sync mutations) -> refundPayment.',
    '{',
    '  viewer {',
    '    kind',
    '    platform { id name }',
    '  }',
    '  clients(first: 5) {',
    '    edges { node { id externalRef name status } }',
    '    pageInfo { hasNextPage endCursor }',
    '  }',
    '}',
    '',
  ].join('\n');

  // A new tab starts with the headers last entered in any tab, so a key pasted once serves
  // every tab (GraphiQL would reset each new tab to its default otherwise).
  var HEADERS_KEY = 'paygraph:lastHeaders';
  var lastHeaders = window.localStorage.getItem(HEADERS_KEY) || '{\n  "Authorization": "Bearer "\n}';

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  function render() {
    root.render(
      React.createElement(GraphiQL, {
        fetcher: fetcher,
        defaultQuery: defaultQuery,
        defaultHeaders: lastHeaders,
        onEditHeaders: function (value) {
          if (!/Bearer\s+\S/.test(value) || value === lastHeaders) return;
          lastHeaders = value;
          window.localStorage.setItem(HEADERS_KEY, value);
          render();
        },
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
        defaultEditorToolsVisibility: 'headers',
      }),
    );
  }
  render();
})();
