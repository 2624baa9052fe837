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

  function fetcher(params, options) {
    if (isSubscription(params)) {
      return socketFor(authorizationFrom(options && options.headers)).iterate(params);
    }
    return httpFetcher(params, options);
  }

  var defaultQuery = [
    '# Welcome to paygraph.',
    '# 1. Open the Headers tab below and set {"Authorization": "Bearer <your API key>"}',
    "#    (`npm start` prints the demo platform's key on first start; `npx paygraph demo` too).",
    '# 2. Run this query, then try a subscription in another tab.',
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

  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: '{\n  "Authorization": "Bearer "\n}',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: 'headers',
    }),
  );
})();
