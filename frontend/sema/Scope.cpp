//===- Scope.cpp - Symbol tables ------------------------------------------===//
#include "Scope.h"

namespace nsc::sema {

const Symbol *Scope::declare(Symbol s) {
  auto it = table_.find(s.name);
  if (it != table_.end())
    return it->second.get();
  auto owned = std::make_unique<Symbol>(std::move(s));
  const Symbol *raw = owned.get();
  table_.emplace(raw->name, std::move(owned));
  order_.push_back(raw);
  return nullptr;
}

const Symbol *Scope::lookupLocal(const std::string &name) const {
  auto it = table_.find(name);
  return it == table_.end() ? nullptr : it->second.get();
}

Symbol *Scope::findLocal(const std::string &name) {
  auto it = table_.find(name);
  return it == table_.end() ? nullptr : it->second.get();
}

const Symbol *Scope::lookup(const std::string &name) const {
  for (const Scope *s = this; s; s = s->parent_)
    if (const Symbol *sym = s->lookupLocal(name))
      return sym;
  return nullptr;
}

void Scope::collectNames(std::vector<std::string> &out) const {
  for (const Scope *s = this; s; s = s->parent_)
    for (const Symbol *sym : s->order_)
      out.push_back(sym->name);
}

} // namespace nsc::sema
