// NscParser.g4 - syntax of .nrn / .nestml files: NESTML 8 models plus nsc's
// `network`, `semantics` and `import`. Blocks are delimited by the INDENT /
// DEDENT tokens that IndentTokenSource synthesizes; every logical line ends
// in exactly one NEWLINE (blank and comment-only lines produce none).
// AstBuilder (frontend/parse) lowers the parse tree into ast:: nodes.
parser grammar NscParser;

options { tokenVocab = NscLexer; }

file : (NEWLINE | topItem)* EOF ;

topItem : importStmt | semanticsBlock | model | network ;

importStmt : IMPORT (path=STRING | name (DOT name)*) SEMI? NEWLINE ;

// --- names -------------------------------------------------------------------
// nsc's extension keywords are soft: usable as ordinary names.
name : NAME | IMPORT | NETWORK | CONNECT | RECORD | FROM | EVERY | AS | SEMANTICS ;

// --- models ------------------------------------------------------------------
model : kw=(MODEL | NEURON | SYNAPSE) name COLON NEWLINE INDENT modelMember+ DEDENT ;

modelMember
  : declBlock
  | equationsBlock
  | inputBlock
  | outputBlock
  | updateBlock
  | onReceiveBlock
  | onConditionBlock
  | functionDecl
  | semanticsBlock
  ;

declBlock : kw=(STATE | PARAMETERS | INTERNALS) COLON NEWLINE INDENT (declaration SEMI? NEWLINE)+ DEDENT ;

// `[recordable] a, b[N] mV = -70 mV [[a <= 0 mV]] @homogeneous`
declaration
  : RECORDABLE? declName (COMMA declName)* dataType (EQ init=expr)?
    (LLBRACK guard=expr RRBRACK)? decorator*
  ;
// `y' mV/ms = 0 mV/ms` declares the initial value of a derivative (the state
// of a higher-order ODE); the primes become part of the declared name.
declName : name (LBRACK size=expr RBRACK)? PRIME* ;
decorator : AT name (COLON_COLON name)? ;

dataType
  : INTEGER_KW | REAL_KW | STRING_KW | BOOLEAN_KW | VOID_KW
  | unitType
  ;

unitType
  : LPAREN unitType RPAREN                               #parenUnit
  | base=unitType STAR_STAR unitExponent                 #powUnit
  | lhs=unitType op=(STAR | SLASH) rhs=unitType          #mulUnit
  | num=(INTEGER | FLOAT)                                #numberUnit
  | name                                                 #nameUnit
  ;
unitExponent : (PLUS | MINUS)? INTEGER | LPAREN (PLUS | MINUS)? INTEGER RPAREN ;

equationsBlock : EQUATIONS COLON NEWLINE INDENT (equationItem SEMI? NEWLINE)+ DEDENT ;
equationItem
  : RECORDABLE? INLINE name dataType EQ expr                #inlineDecl
  | KERNEL kernelPart (COMMA kernelPart)*                   #kernelDecl
  | lhs=variable EQ rhs=expr                                #odeEquation
  ;
kernelPart : variable EQ expr ;

inputBlock : INPUT COLON NEWLINE INDENT (inputPort SEMI? NEWLINE)+ DEDENT ;
inputPort
  : name (LBRACK size=expr RBRACK)? dataType? LARROW (EXCITATORY | INHIBITORY)* (SPIKE | CONTINUOUS)
  ;

outputBlock
  : OUTPUT COLON ( outputKind SEMI? NEWLINE | NEWLINE INDENT outputKind SEMI? NEWLINE DEDENT )
  ;
outputKind : SPIKE (LPAREN (param (COMMA param)*)? RPAREN)? | CONTINUOUS ;

updateBlock : UPDATE COLON block ;

onReceiveBlock : ON_RECEIVE LPAREN port=name (COMMA namedArg)* RPAREN COLON block ;

onConditionBlock : ON_CONDITION LPAREN expr RPAREN COLON block ;

functionDecl : FUNCTION name LPAREN (param (COMMA param)*)? RPAREN dataType? COLON block ;
param : name dataType ;

// --- statements --------------------------------------------------------------
block : NEWLINE INDENT stmt+ DEDENT ;

stmt
  : simpleStmt SEMI? NEWLINE
  | ifStmt
  | forStmt
  | whileStmt
  ;

// `f(x)` could also read as a declaration of `f` with the unit type `(x)`;
// the call comes first so that ANTLR resolves that ambiguity in its favour.
simpleStmt
  : call                                                #callStmt
  | declaration                                         #declStmt
  | variable op=(EQ | PLUS_EQ | MINUS_EQ | STAR_EQ | SLASH_EQ) expr   #assignStmt
  | RETURN expr?                                        #returnStmt
  ;

ifStmt : IF expr COLON block elifClause* elseClause? ;
elifClause : ELIF expr COLON block ;
elseClause : ELSE COLON block ;

forStmt : FOR name IN from=expr ELLIPSIS to=expr (STEP step=expr)? COLON block ;

whileStmt : WHILE expr COLON block ;

// --- expressions (highest precedence first) -----------------------------------
expr
  : primary                                                          #primaryExpr
  | <assoc=right> lhs=expr op=STAR_STAR rhs=expr                     #binaryExpr
  | op=(PLUS | MINUS | TILDE) operand=expr                           #unaryExpr
  | lhs=expr op=(STAR | SLASH | PERCENT) rhs=expr                    #binaryExpr
  | lhs=expr op=(PLUS | MINUS) rhs=expr                              #binaryExpr
  | lhs=expr op=(SHL | SHR) rhs=expr                                 #binaryExpr
  | lhs=expr op=AMP rhs=expr                                         #binaryExpr
  | lhs=expr op=CARET rhs=expr                                       #binaryExpr
  | lhs=expr op=PIPE rhs=expr                                        #binaryExpr
  | lhs=expr op=(LT | LT_EQ | GT | GT_EQ | EQ_EQ | NOT_EQ | LT_GT) rhs=expr  #binaryExpr
  | op=NOT operand=expr                                              #unaryExpr
  | lhs=expr op=AND rhs=expr                                         #binaryExpr
  | lhs=expr op=OR rhs=expr                                          #binaryExpr
  | <assoc=right> cond=expr QUESTION thenExpr=expr COLON elseExpr=expr  #ternaryExpr
  ;

primary
  : LPAREN expr RPAREN                                  #parenExpr
  | num=(INTEGER | FLOAT) unit=NAME?                    #numberExpr
  | INF                                                 #infExpr
  | BOOLEAN                                             #boolExpr
  | STRING                                              #stringExpr
  | FIXED_FORMAT                                        #fixedFormatExpr
  | call                                                #callExpr
  | variable                                            #variableExpr
  | LBRACK (expr (COMMA expr)* COMMA?)? RBRACK          #listExpr
  ;

call : name LPAREN (callArg (COMMA callArg)*)? RPAREN ;
callArg : namedArg | expr ;
namedArg : key=argName EQ expr ;
// Keys of named arguments may be words that are keywords elsewhere
// (`synapse = stdp_synapse(...)`, `step = 1 ms`).
argName : name | SYNAPSE | NEURON | MODEL | SPIKE | CONTINUOUS | STEP | INPUT
        | OUTPUT | STATE | PARAMETERS | INTERNALS | UPDATE | EQUATIONS | KERNEL
        | INLINE | FUNCTION ;

variable : name (LBRACK index=expr RBRACK)? PRIME* ;

// --- semantics (nsc) -----------------------------------------------------------
semanticsBlock
  : SEMANTICS (FOR name (COMMA name)*)? COLON NEWLINE INDENT (setting SEMI? NEWLINE)+ DEDENT
  ;
setting : name EQ expr ;

// --- networks (nsc) ------------------------------------------------------------
network : NETWORK name COLON NEWLINE INDENT networkMember+ DEDENT ;

networkMember
  : population SEMI? NEWLINE
  | projection SEMI? NEWLINE
  | recorder SEMI? NEWLINE
  | semanticsBlock
  | hardwareBlock
  ;

// `homeostasis for exc:` / `aer for exc:` + `key = value` lines: the
// hardware blocks of the Verilog target (docs/verilog.md). The block word is
// a plain name (no new keyword); the AST builder accepts the two words.
hardwareBlock
  : kind=name FOR name (COMMA name)* COLON NEWLINE INDENT (setting SEMI? NEWLINE)+ DEDENT
  ;

// `exc = iaf_psc_exp[3200](V_m = uniform(-60 mV, -50 mV))`
population : name EQ modelName=name (LBRACK size=expr RBRACK)? (LPAREN (namedArg (COMMA namedArg)*)? RPAREN)? ;

// `connect [label:] exc[0:100] -> inh: rule, weight = 1 mV, ...`
projection : CONNECT (label=name COLON)? src=popRef ARROW dst=popRef COLON (connRule=call | ruleName=name) (COMMA namedArg)* ;

// `record spikes from exc[0:100]`, `record V_m from exc every 1 ms as vtrace`
recorder : RECORD recordItem (COMMA recordItem)* FROM popRef (EVERY interval=expr)? (AS label=name)? ;
recordItem : name | SPIKE ;

popRef : name (LBRACK begin=expr (COLON end=expr)? RBRACK)? ;
