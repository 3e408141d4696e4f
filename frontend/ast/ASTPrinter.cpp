//===- ASTPrinter.cpp - `--emit=ast` --------------------------------------===//
//
// One node per line, two spaces of indentation per level, `<l:c-l:c>` ranges.
// Child expressions that play a particular role (an initial value, a guard,
// a named argument...) sit under a label line without a range, so that the
// dump reads unambiguously without knowing each node's field order.
//
//===----------------------------------------------------------------------===//
#include "nsc/frontend/ASTPrinter.h"

#include <ostream>
#include <sstream>

namespace nsc {
using namespace ast;

namespace {

std::string rangeText(const SourceRange &r) {
  if (!r.valid())
    return "<invalid>";
  std::ostringstream os;
  os << '<' << r.begin.line << ':' << r.begin.col << '-' << r.end.line << ':' << r.end.col << '>';
  return os.str();
}

std::string quote(const std::string &s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
    case '\n': out += "\\n"; break;
    case '\t': out += "\\t"; break;
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    default: out += c;
    }
  }
  return out + "\"";
}

/// A type expression in source form: `mV/ms`, `(ms*mV)**-1`.
std::string typeText(const TypeExpr *t) {
  if (!t)
    return "void";
  if (auto *n = dyn_cast<TypeName>(t))
    return n->name;
  if (auto *n = dyn_cast<TypeNumber>(t)) {
    std::ostringstream os;
    os << n->value;
    return os.str();
  }
  auto operand = [](const TypeExpr *e) {
    std::string s = typeText(e);
    return isa<TypeBinary>(e) ? "(" + s + ")" : s;
  };
  if (auto *b = dyn_cast<TypeBinary>(t))
    return typeText(b->lhs.get()) + (b->isDivide ? "/" : "*") + operand(b->rhs.get());
  if (auto *p = dyn_cast<TypePow>(t))
    return operand(p->base.get()) + "**" + std::to_string(p->exponent);
  return "?";
}

const char *contextText(DeclContext c) {
  switch (c) {
  case DeclContext::State: return "state";
  case DeclContext::Parameter: return "parameters";
  case DeclContext::Internal: return "internals";
  case DeclContext::Local: return "local";
  case DeclContext::FunctionParam: return "param";
  }
  return "?";
}

class Printer {
public:
  explicit Printer(std::ostream &os) : os_(os) {}

  void print(const Node *n, unsigned depth);

private:
  // print() by the kind of node.
  void printExpr(const Node *n, unsigned d);
  void printStmt(const Node *n, unsigned d);
  void printModelMember(const Node *n, unsigned d);
  void printTopLevel(const Node *n, unsigned d);

  std::ostream &line(unsigned depth) {
    for (unsigned i = 0; i < depth; ++i)
      os_ << "  ";
    return os_;
  }
  void label(const char *text, const Node *child, unsigned depth) {
    if (!child)
      return;
    line(depth) << text << '\n';
    print(child, depth + 1);
  }
  void block(const Block &b, unsigned depth) {
    for (auto &s : b)
      print(s.get(), depth);
  }
  void namedArgs(const std::vector<NamedArg> &args, unsigned depth) {
    for (auto &a : args) {
      line(depth) << "NamedArg " << a.name << ' ' << rangeText(a.nameRange) << '\n';
      print(a.value.get(), depth + 1);
    }
  }
  void popRef(const char *role, const PopulationRef &r, unsigned depth) {
    line(depth) << role << ' ' << r.name << (r.isSlice ? " slice" : r.begin ? " index" : "")
                << ' ' << rangeText(r.range) << '\n';
    label("Begin", r.begin.get(), depth + 1);
    label("End", r.end.get(), depth + 1);
  }

  std::ostream &os_;
};

void Printer::print(const Node *n, unsigned d) {
  if (!n) {
    line(d) << "<null>\n";
    return;
  }
  switch (n->kind) {
  case NodeKind::NumberLit: case NodeKind::BoolLit: case NodeKind::StringLit:
  case NodeKind::InfLit: case NodeKind::NameRef: case NodeKind::Unary: case NodeKind::Binary:
  case NodeKind::Ternary: case NodeKind::Call: case NodeKind::List: case NodeKind::TypeName:
  case NodeKind::TypeNumber: case NodeKind::TypeBinary: case NodeKind::TypePow:
    return printExpr(n, d);
  case NodeKind::VarDecl: case NodeKind::Assign: case NodeKind::ExprStmt: case NodeKind::If:
  case NodeKind::For: case NodeKind::While: case NodeKind::Return:
    return printStmt(n, d);
  case NodeKind::DeclBlock: case NodeKind::OdeEquation: case NodeKind::KernelDecl:
  case NodeKind::InlineDecl: case NodeKind::EquationsBlock: case NodeKind::InputPort:
  case NodeKind::InputBlock: case NodeKind::OutputBlock: case NodeKind::UpdateBlock:
  case NodeKind::OnReceiveBlock: case NodeKind::OnConditionBlock: case NodeKind::FunctionDecl:
  case NodeKind::SemanticsBlock:
    return printModelMember(n, d);
  case NodeKind::Model: case NodeKind::Population: case NodeKind::Projection:
  case NodeKind::Recorder: case NodeKind::HardwareBlock: case NodeKind::Network:
  case NodeKind::Import: case NodeKind::File:
    return printTopLevel(n, d);
  }
}

void Printer::printExpr(const Node *n, unsigned d) {
  std::string r = rangeText(n->range);
  switch (n->kind) {
  case NodeKind::NumberLit: {
    auto *e = cast<NumberLit>(n);
    line(d) << "NumberLit " << e->text << (e->unitName.empty() ? "" : " " + e->unitName) << ' '
            << r << '\n';
    return;
  }
  case NodeKind::BoolLit:
    line(d) << "BoolLit " << (cast<BoolLit>(n)->value ? "true" : "false") << ' ' << r << '\n';
    return;
  case NodeKind::StringLit:
    line(d) << "StringLit " << quote(cast<StringLit>(n)->value) << ' ' << r << '\n';
    return;
  case NodeKind::InfLit:
    line(d) << "InfLit " << r << '\n';
    return;
  case NodeKind::NameRef: {
    auto *e = cast<NameRef>(n);
    line(d) << "NameRef " << e->name << std::string(e->diffOrder, '\'') << ' ' << r << '\n';
    label("Index", e->index.get(), d + 1);
    return;
  }
  case NodeKind::Unary: {
    auto *e = cast<Unary>(n);
    const char *op = e->op == UnaryOp::Plus ? "+" : e->op == UnaryOp::Minus ? "-"
                     : e->op == UnaryOp::BitNot ? "~" : "not";
    line(d) << "Unary " << op << ' ' << r << '\n';
    print(e->operand.get(), d + 1);
    return;
  }
  case NodeKind::Binary: {
    auto *e = cast<Binary>(n);
    line(d) << "Binary " << spelling(e->op) << ' ' << r << '\n';
    print(e->lhs.get(), d + 1);
    print(e->rhs.get(), d + 1);
    return;
  }
  case NodeKind::Ternary: {
    auto *e = cast<Ternary>(n);
    line(d) << "Ternary " << r << '\n';
    print(e->cond.get(), d + 1);
    print(e->thenExpr.get(), d + 1);
    print(e->elseExpr.get(), d + 1);
    return;
  }
  case NodeKind::Call: {
    auto *e = cast<Call>(n);
    line(d) << "Call " << e->callee << ' ' << r << '\n';
    for (auto &a : e->args)
      print(a.get(), d + 1);
    namedArgs(e->namedArgs, d + 1);
    return;
  }
  case NodeKind::List: {
    line(d) << "List " << r << '\n';
    for (auto &a : cast<List>(n)->elements)
      print(a.get(), d + 1);
    return;
  }
  // --- types ---
  case NodeKind::TypeName: case NodeKind::TypeNumber: case NodeKind::TypeBinary:
  case NodeKind::TypePow:
    line(d) << "Type " << typeText(cast<TypeExpr>(n)) << ' ' << r << '\n';
    return;
  default:
    return;
  }
}

void Printer::printStmt(const Node *n, unsigned d) {
  std::string r = rangeText(n->range);
  switch (n->kind) {
  case NodeKind::VarDecl: {
    auto *v = cast<VarDecl>(n);
    std::ostream &os = line(d);
    os << "VarDecl ";
    for (size_t i = 0; i < v->names.size(); ++i)
      os << (i ? ", " : "") << v->names[i].name << (v->names[i].vectorSize ? "[]" : "");
    os << " : " << typeText(v->type.get()) << ' ' << contextText(v->context);
    if (v->recordable)
      os << " recordable";
    for (auto &dec : v->decorators)
      os << " @" << dec;
    os << ' ' << r << '\n';
    for (auto &name : v->names)
      if (name.vectorSize) {
        line(d + 1) << "Size " << name.name << '\n';
        print(name.vectorSize.get(), d + 2);
      }
    label("Init", v->init.get(), d + 1);
    label("Guard", v->guard.get(), d + 1);
    return;
  }
  case NodeKind::Assign: {
    auto *a = cast<Assign>(n);
    const char *op = a->op == AssignOp::Set ? "=" : a->op == AssignOp::Add ? "+="
                     : a->op == AssignOp::Sub ? "-=" : a->op == AssignOp::Mul ? "*=" : "/=";
    line(d) << "Assign " << op << ' ' << r << '\n';
    print(a->target.get(), d + 1);
    print(a->value.get(), d + 1);
    return;
  }
  case NodeKind::ExprStmt:
    line(d) << "ExprStmt " << r << '\n';
    print(cast<ExprStmt>(n)->expr.get(), d + 1);
    return;
  case NodeKind::If: {
    auto *s = cast<If>(n);
    line(d) << "If " << r << '\n';
    for (size_t i = 0; i < s->branches.size(); ++i) {
      auto &b = s->branches[i];
      line(d + 1) << (!b.cond ? "Else" : i == 0 ? "Then" : "Elif") << ' ' << rangeText(b.range)
                  << '\n';
      label("Cond", b.cond.get(), d + 2);
      block(b.body, d + 2);
    }
    return;
  }
  case NodeKind::For: {
    auto *s = cast<For>(n);
    line(d) << "For " << s->var << ' ' << r << '\n';
    label("From", s->from.get(), d + 1);
    label("To", s->to.get(), d + 1);
    label("Step", s->step.get(), d + 1);
    block(s->body, d + 1);
    return;
  }
  case NodeKind::While: {
    auto *s = cast<While>(n);
    line(d) << "While " << r << '\n';
    label("Cond", s->cond.get(), d + 1);
    block(s->body, d + 1);
    return;
  }
  case NodeKind::Return:
    line(d) << "Return " << r << '\n';
    if (cast<Return>(n)->value)
      print(cast<Return>(n)->value.get(), d + 1);
    return;
  default:
    return;
  }
}

void Printer::printModelMember(const Node *n, unsigned d) {
  std::string r = rangeText(n->range);
  switch (n->kind) {
  case NodeKind::DeclBlock: {
    auto *b = cast<DeclBlock>(n);
    line(d) << "DeclBlock " << contextText(b->context) << ' ' << r << '\n';
    for (auto &v : b->decls)
      print(v.get(), d + 1);
    return;
  }
  case NodeKind::OdeEquation: {
    auto *e = cast<OdeEquation>(n);
    line(d) << "OdeEquation " << e->lhs->name << std::string(e->lhs->diffOrder, '\'') << ' ' << r
            << '\n';
    print(e->rhs.get(), d + 1);
    return;
  }
  case NodeKind::KernelDecl: {
    auto *k = cast<KernelDecl>(n);
    line(d) << "KernelDecl " << r << '\n';
    for (auto &p : k->parts) {
      line(d + 1) << "Part " << p.lhs->name << std::string(p.lhs->diffOrder, '\'') << ' '
                  << rangeText(p.lhs->range) << '\n';
      print(p.rhs.get(), d + 2);
    }
    return;
  }
  case NodeKind::InlineDecl: {
    auto *i = cast<InlineDecl>(n);
    line(d) << "InlineDecl " << i->name << " : " << typeText(i->type.get())
            << (i->recordable ? " recordable " : " ") << r << '\n';
    print(i->rhs.get(), d + 1);
    return;
  }
  case NodeKind::EquationsBlock:
    line(d) << "EquationsBlock " << r << '\n';
    for (auto &i : cast<EquationsBlock>(n)->items)
      print(i.get(), d + 1);
    return;
  case NodeKind::InputPort: {
    auto *p = cast<InputPort>(n);
    std::ostream &os = line(d);
    os << "InputPort " << p->name << (p->vectorSize ? "[]" : "");
    if (p->type)
      os << " : " << typeText(p->type.get());
    os << " <-" << (p->excitatory ? " excitatory" : "") << (p->inhibitory ? " inhibitory" : "")
       << (p->isSpike ? " spike " : " continuous ") << r << '\n';
    label("Size", p->vectorSize.get(), d + 1);
    return;
  }
  case NodeKind::InputBlock:
    line(d) << "InputBlock " << r << '\n';
    for (auto &p : cast<InputBlock>(n)->ports)
      print(p.get(), d + 1);
    return;
  case NodeKind::OutputBlock:
    line(d) << "OutputBlock " << (cast<OutputBlock>(n)->spike ? "spike " : "continuous ") << r
            << '\n';
    return;
  case NodeKind::UpdateBlock:
    line(d) << "UpdateBlock " << r << '\n';
    block(cast<UpdateBlock>(n)->body, d + 1);
    return;
  case NodeKind::OnReceiveBlock: {
    auto *b = cast<OnReceiveBlock>(n);
    line(d) << "OnReceiveBlock " << b->port << ' ' << r << '\n';
    label("Priority", b->priority.get(), d + 1);
    block(b->body, d + 1);
    return;
  }
  case NodeKind::OnConditionBlock: {
    auto *b = cast<OnConditionBlock>(n);
    line(d) << "OnConditionBlock " << r << '\n';
    label("Cond", b->cond.get(), d + 1);
    block(b->body, d + 1);
    return;
  }
  case NodeKind::FunctionDecl: {
    auto *f = cast<FunctionDecl>(n);
    std::ostream &os = line(d);
    os << "FunctionDecl " << f->name << '(';
    for (size_t i = 0; i < f->params.size(); ++i)
      os << (i ? ", " : "") << f->params[i]->names[0].name << " : "
         << typeText(f->params[i]->type.get());
    os << ") : " << typeText(f->returnType.get()) << ' ' << r << '\n';
    block(f->body, d + 1);
    return;
  }
  case NodeKind::SemanticsBlock: {
    auto *s = cast<SemanticsBlock>(n);
    std::ostream &os = line(d);
    os << "SemanticsBlock";
    if (!s->populations.empty()) {
      os << " for";
      for (size_t i = 0; i < s->populations.size(); ++i)
        os << (i ? ", " : " ") << s->populations[i];
    }
    os << ' ' << r << '\n';
    for (auto &st : s->settings) {
      line(d + 1) << "Setting " << st.key << ' ' << rangeText(st.keyRange) << '\n';
      print(st.value.get(), d + 2);
    }
    return;
  }
  default:
    return;
  }
}

void Printer::printTopLevel(const Node *n, unsigned d) {
  std::string r = rangeText(n->range);
  switch (n->kind) {
  case NodeKind::Model: {
    auto *m = cast<Model>(n);
    const char *kw = m->keyword == Model::Keyword::Neuron ? " (neuron)"
                     : m->keyword == Model::Keyword::Synapse ? " (synapse)" : "";
    line(d) << "Model " << m->name << kw << ' ' << r << '\n';
    if (!m->docstring.empty())
      line(d + 1) << "Docstring " << quote(m->docstring) << '\n';
    for (auto &mem : m->members)
      print(mem.get(), d + 1);
    return;
  }
  case NodeKind::Population: {
    auto *p = cast<Population>(n);
    line(d) << "Population " << p->name << " = " << p->model << ' ' << r << '\n';
    label("Size", p->size.get(), d + 1);
    namedArgs(p->inits, d + 1);
    return;
  }
  case NodeKind::Projection: {
    auto *p = cast<Projection>(n);
    line(d) << "Projection" << (p->name.empty() ? "" : " " + p->name) << ' ' << r << '\n';
    popRef("Source", p->source, d + 1);
    popRef("Target", p->target, d + 1);
    label("Rule", p->rule.get(), d + 1);
    namedArgs(p->settings, d + 1);
    return;
  }
  case NodeKind::Recorder: {
    auto *rec = cast<Recorder>(n);
    std::ostream &os = line(d);
    os << "Recorder";
    for (size_t i = 0; i < rec->what.size(); ++i)
      os << (i ? ", " : " ") << rec->what[i];
    if (!rec->label.empty())
      os << " as " << rec->label;
    os << ' ' << r << '\n';
    popRef("From", rec->target, d + 1);
    label("Every", rec->interval.get(), d + 1);
    return;
  }
  case NodeKind::HardwareBlock: {
    auto *h = cast<HardwareBlock>(n);
    std::ostream &os = line(d);
    os << (h->blockKind == HardwareBlock::BlockKind::Homeostasis ? "Homeostasis"
           : h->blockKind == HardwareBlock::BlockKind::Aer       ? "Aer"
                                                                 : "Detector")
       << " for";
    for (size_t i = 0; i < h->populations.size(); ++i)
      os << (i ? ", " : " ") << h->populations[i];
    os << ' ' << r << '\n';
    for (auto &st : h->settings) {
      line(d + 1) << "Setting " << st.key << ' ' << rangeText(st.keyRange) << '\n';
      print(st.value.get(), d + 2);
    }
    return;
  }
  case NodeKind::Network: {
    auto *net = cast<Network>(n);
    line(d) << "Network " << net->name << ' ' << r << '\n';
    if (!net->docstring.empty())
      line(d + 1) << "Docstring " << quote(net->docstring) << '\n';
    for (auto &m : net->members)
      print(m.get(), d + 1);
    return;
  }
  case NodeKind::Import: {
    auto *i = cast<Import>(n);
    line(d) << "Import " << (i->path.empty() ? i->name : quote(i->path)) << ' ' << r << '\n';
    return;
  }
  case NodeKind::File: {
    auto *f = cast<File>(n);
    line(d) << "File " << r << '\n';
    for (auto &i : f->imports)
      print(i.get(), d + 1);
    if (f->semantics)
      print(f->semantics.get(), d + 1);
    for (auto &m : f->models)
      print(m.get(), d + 1);
    for (auto &net : f->networks)
      print(net.get(), d + 1);
    return;
  }
  default:
    return;
  }
}

} // namespace

void printAST(const Node &node, std::ostream &os) { Printer(os).print(&node, 0); }

void printAST(const Program &program, std::ostream &os) {
  for (auto &f : program.files)
    if (f)
      Printer(os).print(f.get(), 0);
}

} // namespace nsc
