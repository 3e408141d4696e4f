// NscLexer.g4 - tokens of the nsc model language (NESTML 8 syntax + nsc
// extensions). Indentation is not handled here: the lexer emits NEWLINE for
// every line break and skips other whitespace; IndentTokenSource (C++,
// frontend/parse) turns line starts into INDENT / DEDENT, drops blank lines
// and newlines inside brackets, and reports lexical errors.
lexer grammar NscLexer;

tokens { INDENT, DEDENT }

// Comments are kept (not skipped) so the token source can collect the
// docstring block in front of `model` / `network`.
channels { COMMENTS }

// `\` at the end of a line joins it with the next one.
LINE_CONTINUATION : '\\' [ \t]* ('\r'? '\n') -> skip ;
NEWLINE           : '\r'? '\n' ;
WS                : [ \t\f\r]+ -> skip ;

DOC_COMMENT  : '"""' .*? '"""' -> channel(COMMENTS) ;
LINE_COMMENT : '#' ~[\r\n]* -> channel(COMMENTS) ;
// A `"""` without its closing quotes runs to the end of the file; the token
// source reports it.
UNTERMINATED_DOC_COMMENT : '"""' ( ~'"' | '"' ~'"' | '""' ~'"' )* ;

// --- NESTML keywords (reserved, as in NESTML) -------------------------------
INTEGER_KW    : 'integer' ;
REAL_KW       : 'real' ;
STRING_KW     : 'string' ;
BOOLEAN_KW    : 'boolean' ;
VOID_KW       : 'void' ;
FUNCTION      : 'function' ;
INLINE        : 'inline' ;
RETURN        : 'return' ;
IF            : 'if' ;
ELIF          : 'elif' ;
ELSE          : 'else' ;
FOR           : 'for' ;
WHILE         : 'while' ;
IN            : 'in' ;
STEP          : 'step' ;
INF           : 'inf' ;
AND           : 'and' ;
OR            : 'or' ;
NOT           : 'not' ;
RECORDABLE    : 'recordable' ;
KERNEL        : 'kernel' ;
MODEL         : 'model' ;
NEURON        : 'neuron' ;
SYNAPSE       : 'synapse' ;
STATE         : 'state' ;
PARAMETERS    : 'parameters' ;
INTERNALS     : 'internals' ;
UPDATE        : 'update' ;
EQUATIONS     : 'equations' ;
INPUT         : 'input' ;
OUTPUT        : 'output' ;
CONTINUOUS    : 'continuous' ;
ON_RECEIVE    : 'onReceive' ;
ON_CONDITION  : 'onCondition' ;
SPIKE         : 'spike' ;
INHIBITORY    : 'inhibitory' ;
EXCITATORY    : 'excitatory' ;

// --- nsc extension keywords: "soft", the parser's `name` rule accepts them
// as ordinary names so existing NESTML models that use them still compile.
IMPORT        : 'import' ;
NETWORK       : 'network' ;
CONNECT       : 'connect' ;
RECORD        : 'record' ;
FROM          : 'from' ;
EVERY         : 'every' ;
AS            : 'as' ;
SEMANTICS     : 'semantics' ;

BOOLEAN       : 'true' | 'True' | 'false' | 'False' ;

// --- punctuation --------------------------------------------------------------
ELLIPSIS      : '...' ;
ARROW         : '->' ;
LARROW        : '<-' ;
LPAREN        : '(' ;
RPAREN        : ')' ;
// `[[` / `]]` delimit guards; the token source splits them into single
// brackets where they are nested lists or nested indexing (x[y[0]]).
LLBRACK       : '[[' ;
RRBRACK       : ']]' ;
LBRACK        : '[' ;
RBRACK        : ']' ;
STAR_STAR     : '**' ;
PLUS_EQ       : '+=' ;
MINUS_EQ      : '-=' ;
STAR_EQ       : '*=' ;
SLASH_EQ      : '/=' ;
EQ_EQ         : '==' ;
NOT_EQ        : '!=' ;
LT_GT         : '<>' ;
LT_EQ         : '<=' ;
GT_EQ         : '>=' ;
SHL           : '<<' ;
SHR           : '>>' ;
LT            : '<' ;
GT            : '>' ;
PLUS          : '+' ;
MINUS         : '-' ;
STAR          : '*' ;
SLASH         : '/' ;
PERCENT       : '%' ;
TILDE         : '~' ;
PIPE          : '|' ;
CARET         : '^' ;
AMP           : '&' ;
EQ            : '=' ;
COMMA         : ',' ;
COLON_COLON   : '::' ;
COLON         : ':' ;
SEMI          : ';' ;
QUESTION      : '?' ;
PRIME         : '\'' ;
AT            : '@' ;
DOT           : '.' ;

// --- literals and names -------------------------------------------------------
STRING        : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* ;

// `Q8.8`, `Q16.16`: fixed-point format names, one token (longer than NAME).
FIXED_FORMAT  : 'Q' [0-9]+ '.' [0-9]+ ;

NAME          : [a-zA-Z_$] [a-zA-Z_$0-9]* ;

// `1.` is a float, but not in `0...10` (the dot belongs to the ellipsis).
// The predicate sits before the '.', where INTEGER still matches the same
// digits: the ANTLR 4.9 C++ runtime leaks its config set when a predicate
// fails and no other alternative is left (it did for every `N..`).
FLOAT         : [0-9]+ { !(_input->LA(1) == '.' && _input->LA(2) == '.') }? '.' [0-9]* EXPONENT?
              | '.' [0-9]+ EXPONENT?
              | [0-9]+ EXPONENT ;
INTEGER       : [0-9]+ ;
fragment EXPONENT : [eE] [+-]? [0-9]+ ;

// Anything else: reported by the token source as "unexpected character".
ERROR_CHAR    : . ;
