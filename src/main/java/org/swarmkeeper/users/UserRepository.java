package org.swarmkeeper.users;

import org.springframework.data.jpa.repository.JpaRepository;

interface UserRepository extends JpaRepository<User, Long> {

    boolean existsByName(String name);

    boolean existsByPasskey(String passkey);
}
